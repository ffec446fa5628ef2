/**
 * The openai provider plugin: any OpenAI-compatible upstream (OpenAI, OpenRouter, vLLM, llama.cpp,
 * Ollama...) with an API key, served under `/openai` on the Anthropic Messages, OpenAI Chat
 * Completions and OpenAI Responses APIs, plus named instances under `/openai/<name>`.
 * Wiring only; the work lives in adapter.ts (requests), models.ts (names and the model list).
 */
import type { FastifyPluginAsync } from 'fastify';
import { PluginError, type ProviderAdapter, type HealthCheckResult, type ProviderPlugin, type ScheduledTaskDefinition, type StartupInfo, type CoreServices } from '../../plugin.js';
import { NOT_CONFIGURED_FIX, OpenAIConfigSchema, isLocalUrl, type OpenAIConfig } from './config.js';
import { openaiHealth } from './health.js';
import { buildInstances, PLUGIN_NAME, type Instance } from './instances.js';
import { openaiRoutes } from './routes.js';
import { openaiTasks } from './tasks.js';

interface Runtime {
  config: OpenAIConfig;
  instances: Instance[];
  /** `http://host:port` as configured, for the ready-to-paste lines. */
  origin: string;
}

export class Plugin implements ProviderPlugin<OpenAIConfig> {
  readonly kind = 'provider' as const;
  readonly name = PLUGIN_NAME;
  readonly version = '1.0.0';
  readonly description = 'Any OpenAI-compatible API (OpenAI, OpenRouter, vLLM, llama.cpp, Ollama) with an API key, on all three APIs';
  readonly routerPrefix = '/openai';
  readonly configSchema = OpenAIConfigSchema;
  private rt: Runtime | null = null;

  async initialize(services: CoreServices): Promise<void> {
    const config = OpenAIConfigSchema.parse(services.getPluginConfig(this.name));
    const instances = buildInstances(config, services.httpClient, services.logger, services.env, services);
    const { host, port } = services.settings.server;
    this.rt = { config, instances, origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
  }

  async shutdown(): Promise<void> {
    for (const inst of this.rt?.instances ?? []) inst.pool.close();
    this.rt = null;
  }

  createConfig(): OpenAIConfig {
    return this.runtime().config;
  }

  async validate(): Promise<boolean> {
    return this.rt !== null;
  }

  getRoutes(): FastifyPluginAsync | null {
    return openaiRoutes(this.runtime().instances);
  }

  /** The default instance (`openai`). */
  createAdapter(): ProviderAdapter {
    return this.runtime().instances[0]!.adapter;
  }

  /** The named instances, as `openai.<name>` for routing. */
  getInstances(): Array<{ name: string; adapter: ProviderAdapter }> {
    return this.runtime().instances.filter((i) => i.segment).map((i) => ({ name: i.provider, adapter: i.adapter }));
  }

  async healthCheck(): Promise<HealthCheckResult> {
    return openaiHealth(this.runtime().instances);
  }

  /** Each instance's keys, by name (a key's name never holds the key). */
  accountNames(): Record<string, string[]> {
    return Object.fromEntries(this.runtime().instances.filter((i) => i.configured).map((i) => [i.provider, i.pool.members.map((m) => m.name)]));
  }

  getScheduledTasks(): ScheduledTaskDefinition[] {
    return openaiTasks(this.runtime().instances);
  }

  startupInfo(): StartupInfo {
    const rt = this.runtime();
    const lines: string[] = [];
    const missing: string[] = [];
    for (const inst of rt.instances) {
      if (!inst.configured) continue;
      const base = `${rt.origin}${this.routerPrefix}${inst.segment ? `/${inst.segment}` : ''}`;
      lines.push(`${inst.provider}: ${inst.settings.base_url} (${inst.settings.upstream_format}) → ${base}/v1`);
      if (!inst.apiKey() && !isLocalUrl(inst.settings.base_url)) missing.push(inst.provider);
    }
    if (lines.length === 0) {
      return { credentials: { ok: false, message: 'not configured (no key, OpenAI\'s default URL)', fix: NOT_CONFIGURED_FIX } };
    }
    if (missing.length) {
      return { lines, credentials: { ok: false, message: `no API key for ${missing.join(', ')}`, fix: 'set api_key or api_key_env in [plugins.openai] (or its providers.<name> table)' } };
    }
    const pooled = rt.instances.filter((i) => i.configured && i.pool.pooled);
    return { lines, credentials: { ok: true, message: pooled.length ? `API keys configured (${pooled.map((i) => `${i.provider}: ${i.pool.members.length} keys`).join(', ')})` : 'API key configured' } };
  }

  private runtime(): Runtime {
    if (!this.rt) throw new PluginError(this.name, 'openai plugin used before initialize()');
    return this.rt;
  }
}
