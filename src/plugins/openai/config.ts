/**
 * `[plugins.openai]`: any OpenAI-compatible upstream with an API key (OpenAI, OpenRouter, a local
 * vLLM / llama.cpp / Ollama server). The top-level keys configure the default instance (`/openai`);
 * each `[plugins.openai.providers.<name>]` table is one more instance (`/openai/<name>`, routed to
 * as `openai.<name>`) with the same keys. Instances inherit nothing from the default instance: a
 * key meant for one server must never reach another.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProviderConfigSchema, StrategySchema, accountSchema } from '../../plugin.js';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** A `{ name, api_key, weight, enabled }` entry of `api_keys` (a plain string is a key named by its fingerprint). */
export const ApiKeyAccountSchema = accountSchema({
  api_key: z.string().min(1).describe('The key, sent as `Authorization: Bearer <key>`'),
});

export type ApiKeyAccount = z.infer<typeof ApiKeyAccountSchema>;

export const InstanceSettingsShape = {
  base_url: z.string().url().default(DEFAULT_BASE_URL).describe('API root the upstream paths hang off (`<base_url>/chat/completions`, `/responses`, `/models`)'),
  api_key: z.string().min(1).optional().describe('Sent as `Authorization: Bearer <key>`; the client\'s own key is never forwarded').meta({ examples: ['sk-...'] }),
  api_key_env: z.string().min(1).optional().describe('Name of an environment variable holding the key (used when api_key is not set)').meta({ examples: ['OPENAI_API_KEY'] }),
  upstream_format: z.enum(['chat_completions', 'responses']).default('chat_completions').describe('API the upstream speaks; client requests in other APIs are converted'),
  model_map: z.record(z.string(), z.string()).default({}).describe('Client model name or glob → upstream model (e.g. "claude-*" = "gpt-5-mini")'),
  default_model: z.string().min(1).optional().describe('Upstream model for requests without a model or with a Claude model name (`claude-*`) no model_map rule matches').meta({ examples: ['gpt-5-mini'] }),
  models: z.array(z.string()).optional().describe('Models listed on /v1/models; default: the upstream\'s own `GET /models` list').meta({ examples: [['gpt-5-mini', 'gpt-5']] }),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers sent upstream with every request (e.g. OpenRouter\'s HTTP-Referer)'),
  max_output_tokens: z.number().int().positive().optional().describe('Cap for max_tokens / max_completion_tokens / max_output_tokens (for models with smaller limits than the client asks for)').meta({ examples: [16384] }),
  drop_params: z.array(z.string()).default([]).describe('Top-level request fields removed before sending (e.g. "reasoning_effort" for models that refuse it)'),
  stream_usage: z.boolean().default(true).describe('Ask chat upstreams for a final usage chunk (`stream_options.include_usage`) when converting streams'),
  api_keys: z.array(z.union([z.string().min(1), ApiKeyAccountSchema])).default([])
    .describe('Several keys for this upstream (a pool): each a key, or a {name, api_key, weight, enabled} table; api_key / api_key_env, when set, joins as the account "default"')
    .meta({ examples: [['sk-first...', 'sk-second...']] }),
  strategy: StrategySchema,
  timeout: z.number().positive().default(120).describe('Seconds to wait for the upstream\'s response headers (the stream itself is bounded by http.body_timeout)'),
  models_probe_interval: z.number().int().positive().default(300).describe('Seconds between `GET /models` health probes'),
};

/** Instance names become URL segments and `openai.<name>` provider names. */
const INSTANCE_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
/** Segments the default instance already uses under `/openai`. */
const RESERVED = new Set(['v1']);

export const InstanceSettingsSchema = z.object(InstanceSettingsShape);

export const OpenAIConfigSchema = ProviderConfigSchema.extend({
  ...InstanceSettingsShape,
  providers: z.record(z.string(), InstanceSettingsSchema).default({}).describe('More instances: [plugins.openai.providers.<name>] served at /openai/<name>'),
}).superRefine((config, ctx) => {
  uniqueKeyNames(config.api_keys, ctx, ['api_keys']);
  for (const [name, instance] of Object.entries(config.providers)) uniqueKeyNames(instance.api_keys, ctx, ['providers', name, 'api_keys']);
  for (const name of Object.keys(config.providers)) {
    if (!INSTANCE_NAME.test(name) || RESERVED.has(name.toLowerCase())) {
      ctx.addIssue({
        code: 'custom',
        path: ['providers', name],
        message: `instance name "${name}" must be letters, digits, "_" or "-" (and not "v1"): it becomes the URL segment /openai/${name}`,
      });
    }
  }
});

export type InstanceSettings = z.infer<typeof InstanceSettingsSchema>;
export type OpenAIConfig = z.infer<typeof OpenAIConfigSchema>;

/**
 * The name of a key given as a plain string: `key-` and the start of its SHA-256, stable however
 * the list is reordered, and no part of the key itself.
 */
export function keyName(key: string): string {
  return `key-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** Every entry of `api_keys` as a named account. */
export function keyAccounts(keys: InstanceSettings['api_keys']): ApiKeyAccount[] {
  return keys.map((k) => (typeof k === 'string' ? { name: keyName(k), api_key: k, weight: 1, enabled: true } : k));
}

function uniqueKeyNames(keys: InstanceSettings['api_keys'], ctx: z.RefinementCtx, path: Array<string | number>): void {
  const seen = new Set<string>(['default']);
  keyAccounts(keys).forEach((k, i) => {
    if (seen.has(k.name)) ctx.addIssue({ code: 'custom', path: [...path, i], message: k.name === 'default' ? '"default" names the api_key / api_key_env account' : `the key ${k.name} is listed twice` });
    seen.add(k.name);
  });
}

/** The key for an instance: `api_key`, else the variable `api_key_env` names. */
export function resolveApiKey(settings: InstanceSettings, env: NodeJS.ProcessEnv): string | undefined {
  if (settings.api_key) return settings.api_key;
  if (settings.api_key_env) {
    const v = env[settings.api_key_env];
    return v && v.length > 0 ? v : undefined;
  }
  return undefined;
}

/** How a key goes on the wire (none for a local server without one). */
export function bearer(key: string | undefined): { headers: Record<string, string> } {
  return { headers: key ? { authorization: `Bearer ${key}` } : {} };
}

/** What to do when no instance is configured (banner and /health say it). */
export const NOT_CONFIGURED_FIX = 'set base_url and api_key (or api_key_env) in [plugins.openai], or a [plugins.openai.providers.<name>] table';

/** Keyless upstreams are fine on loopback (local model servers); elsewhere a key is expected. */
export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
