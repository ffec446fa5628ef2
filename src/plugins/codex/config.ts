/**
 * `[plugins.codex]`: ChatGPT Plus/Pro through the Codex CLI's OAuth credentials.
 * Every key is snake_case as in TOML; env vars are `PLUGINS__CODEX__<KEY>` (nested with `__`).
 */
import { z } from 'zod';
import { ProviderConfigSchema, StrategySchema, accountSchema, uniqueNames } from '../../plugin.js';

/** Reasoning efforts the Codex models accept (`reasoning.effort`). */
export const ReasoningEffortSchema = z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof ReasoningEffortSchema>;

/** A model_map value: a model name, or a model with a fixed reasoning effort. */
export const ModelTargetSchema = z.union([
  z.string().min(1),
  z.object({
    model: z.string().min(1).describe('Codex model to send upstream'),
    reasoning_effort: ReasoningEffortSchema.optional().describe('Effort forced for this mapping'),
  }),
]);
export type ModelTarget = z.infer<typeof ModelTargetSchema>;

/**
 * The model Codex 0.169 sends by default (see the capture), and therefore the one whose base
 * prompt the detection captures: safe to send with that prompt from every subscription tier.
 */
export const DEFAULT_CODEX_MODEL = 'gpt-5.5';

/**
 * Claude Code sends its own model names (`claude-opus-5-5` by default, sonnet/haiku for
 * sub-agents and background calls). Map them so it works with no client configuration.
 */
export const DEFAULT_MODEL_MAP: Record<string, ModelTarget> = {
  'claude-opus-*': DEFAULT_CODEX_MODEL,
  'claude-sonnet-*': DEFAULT_CODEX_MODEL,
  'claude-haiku-*': { model: DEFAULT_CODEX_MODEL, reasoning_effort: 'low' },
  'claude-*': DEFAULT_CODEX_MODEL,
  opus: DEFAULT_CODEX_MODEL,
  sonnet: DEFAULT_CODEX_MODEL,
  haiku: { model: DEFAULT_CODEX_MODEL, reasoning_effort: 'low' },
};

/** Listed by `GET /codex/v1/models` (the Codex CLI 0.169 catalog's listed models). */
export const DEFAULT_MODELS = [
  'gpt-5.5',
  'gpt-6.1-sol',
  'gpt-6.1-terra',
  'gpt-6-astra',
  'gpt-6-sol',
  'gpt-6-luna',
  'gpt-5.6-sol',
  'gpt-5.6-terra',
  'gpt-5.6-luna',
];

export const CodexOAuthSchema = z.object({
  token_url: z.string().url().default('https://auth.openai.com/oauth/token').describe('OAuth token endpoint (refresh and code exchange, form-encoded)'),
  authorize_url: z.string().url().default('https://auth.openai.com/oauth/authorize').describe('OAuth authorize endpoint opened by `ccproxy auth login codex`'),
  client_id: z.string().min(1).default('app_EMoamEEZ73f0CkXaXp7hrann').describe('OAuth client id (the Codex CLI\'s)'),
  redirect_port: z.number().int().min(0).max(65535).default(1455).describe('Loopback port of the login callback (the Codex CLI uses 1455)'),
  redirect_path: z.string().default('/auth/callback').describe('Path of the login callback'),
  scopes: z.array(z.string()).default(['openid', 'profile', 'email', 'offline_access']).describe('Scopes requested at login'),
});

export const CodexDetectionSchema = z.object({
  enabled: z.boolean().default(true).describe('Run the installed Codex CLI once against a local capture server to learn its headers and base prompt'),
  timeout_seconds: z.number().positive().default(30).describe('Bound for one detection run'),
  refresh_interval_seconds: z.number().int().positive().default(3600).describe('How often the detection task re-checks the CLI version'),
});

/** One `[[plugins.codex.accounts]]` table: a Codex auth.json, or (none given) the one `ccproxy auth login codex --account <name>` stores. */
export const CodexAccountSchema = accountSchema({
  credentials_file: z.string().optional().describe('This account\'s Codex auth.json (default: the one `ccproxy auth login codex --account <name>` stores under $XDG_DATA_HOME/ccproxy/accounts/codex/)'),
});

export type CodexAccountConfig = z.infer<typeof CodexAccountSchema>;

export const CodexConfigSchema = ProviderConfigSchema.extend({
  base_url: z.string().url().default('https://chatgpt.com/backend-api/codex').describe('ChatGPT Codex backend; requests go to <base_url>/responses'),
  credentials_file: z.string().optional().describe('Codex auth.json (default $CODEX_HOME/auth.json, else ~/.codex/auth.json)').meta({ examples: ['~/.codex/auth.json'] }),
  refresh_margin_seconds: z.number().int().min(0).default(300).describe('Refresh the access token this many seconds before it expires'),
  oauth: CodexOAuthSchema.default(CodexOAuthSchema.parse({})).describe('OAuth endpoints and client'),
  cli_path: z.string().optional().describe('Codex CLI used for detection (default: `codex` on PATH)').meta({ examples: ['/usr/local/bin/codex'] }),
  detection: CodexDetectionSchema.default(CodexDetectionSchema.parse({})).describe('CLI detection'),
  default_model: z.string().min(1).default(DEFAULT_CODEX_MODEL).describe('Model for names no model_map rule matches and that are not Codex model names'),
  model_map: z.record(z.string(), ModelTargetSchema).default(DEFAULT_MODEL_MAP).describe('Client model name or glob → Codex model (or {model, reasoning_effort}); first match wins'),
  models: z.array(z.string()).default(DEFAULT_MODELS).describe('Models listed by GET /codex/v1/models'),
  reasoning_effort: ReasoningEffortSchema.default('medium').describe('Effort when the client asks for none'),
  reasoning_summary: z.enum(['auto', 'concise', 'detailed', 'none']).default('auto').describe('reasoning.summary sent upstream (summaries become thinking blocks for Anthropic clients)'),
  text_verbosity: z.enum(['low', 'medium', 'high']).optional().describe('text.verbosity when the client sets none'),
  accounts: z.array(CodexAccountSchema).default([]).describe('Several ChatGPT accounts (a pool); empty: the one above (credentials_file) plus any stored with `ccproxy auth login codex --account <name>`'),
  strategy: StrategySchema,
}).superRefine((c, ctx) => uniqueNames(c.accounts, ctx));

export type CodexConfig = z.infer<typeof CodexConfigSchema>;
