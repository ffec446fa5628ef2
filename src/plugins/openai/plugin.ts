/**
 * The openai provider plugin: any OpenAI-compatible upstream (OpenAI, OpenRouter, vLLM, llama.cpp,
 * Ollama...) with an API key, served under `/openai` on the Anthropic Messages, OpenAI Chat
 * Completions and OpenAI Responses APIs, plus named instances under `/openai/<name>`.
 * Wiring only; the work lives in adapter.ts (requests), models.ts (names and the model list).
 */
import { definePlugin } from '../../plugin.js';
import { NOT_CONFIGURED_FIX, OpenAIConfigSchema, isLocalUrl } from './config.js';
import { openaiHealth } from './health.js';
import { buildInstances, PLUGIN_NAME } from './instances.js';
import { openaiRoutes } from './routes.js';
import { openaiTasks } from './tasks.js';

const PREFIX = '/openai';

export const Plugin = definePlugin({
  kind: 'provider',
  name: PLUGIN_NAME,
  version: '1.0.0',
  description: 'Any OpenAI-compatible API (OpenAI, OpenRouter, vLLM, llama.cpp, Ollama) with an API key, on all three APIs',
  prefix: PREFIX,
  config: OpenAIConfigSchema,
  async setup({ config, services }) {
    const instances = buildInstances(config, services.httpClient, services.logger, services.env, services);
    const { host, port } = services.settings.server;
    /** `http://host:port` as configured, for the ready-to-paste lines. */
    const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return {
      /** The default instance (`openai`). */
      adapter: instances[0]!.adapter,
      routes: openaiRoutes(instances),
      /** The named instances, as `openai.<name>` for routing. */
      instances: () => instances.filter((i) => i.segment).map((i) => ({ name: i.provider, adapter: i.adapter })),
      health: () => openaiHealth(instances),
      /** Each instance's keys, by name (a key's name never holds the key). */
      accountNames: () => Object.fromEntries(instances.filter((i) => i.configured).map((i) => [i.provider, i.pool.members.map((m) => m.name)])),
      tasks: () => openaiTasks(instances),
      startupInfo() {
        const lines: string[] = [];
        const missing: string[] = [];
        for (const inst of instances) {
          if (!inst.configured) continue;
          const base = `${origin}${PREFIX}${inst.segment ? `/${inst.segment}` : ''}`;
          lines.push(`${inst.provider}: ${inst.settings.base_url} (${inst.settings.upstream_format}) → ${base}/v1`);
          if (!inst.apiKey() && !isLocalUrl(inst.settings.base_url)) missing.push(inst.provider);
        }
        if (lines.length === 0) {
          return { credentials: { ok: false, message: 'not configured (no key, OpenAI\'s default URL)', fix: NOT_CONFIGURED_FIX } };
        }
        if (missing.length) {
          return { lines, credentials: { ok: false, message: `no API key for ${missing.join(', ')}`, fix: 'set api_key or api_key_env in [plugins.openai] (or its providers.<name> table)' } };
        }
        const pooled = instances.filter((i) => i.configured && i.pool.pooled);
        return { lines, credentials: { ok: true, message: pooled.length ? `API keys configured (${pooled.map((i) => `${i.provider}: ${i.pool.members.length} keys`).join(', ')})` : 'API key configured' } };
      },
      async close() {
        for (const inst of instances) inst.pool.close();
      },
    };
  },
});
/** An instance of the plugin (tests and the CLI hold one). */
export type Plugin = InstanceType<typeof Plugin>;
