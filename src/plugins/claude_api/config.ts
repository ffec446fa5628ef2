/**
 * `[plugins.claude_api]` settings. Every key is also an env var: `PLUGINS__CLAUDE_API__<KEY>`,
 * nested with `__` (e.g. `PLUGINS__CLAUDE_API__OAUTH__TOKEN_URL`).
 */
import { z } from 'zod';
import { ProviderConfigSchema, StrategySchema, accountSchema, uniqueNames } from '../../plugin.js';

/** Claude Code's public OAuth client (the same one the CLI uses). */
export const CLAUDE_OAUTH_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';

export const OAuthSettingsSchema = z.object({
  token_url: z.string().url().default('https://console.anthropic.com/v1/oauth/token').describe('OAuth token endpoint (refresh and code exchange; JSON bodies)'),
  authorize_url: z.string().url().default('https://claude.ai/oauth/authorize').describe('OAuth authorize page opened by `ccproxy auth login claude`'),
  client_id: z.string().min(1).default(CLAUDE_OAUTH_CLIENT_ID).describe("OAuth client id (Claude Code's)"),
  redirect_uri: z.string().default('http://localhost:{port}/callback').describe('Local callback for browser login; {port} = an ephemeral loopback port'),
  manual_redirect_uri: z.string().default('https://console.anthropic.com/oauth/code/callback').describe('Redirect used with --no-browser: the page shows a code to paste'),
  scopes: z.array(z.string()).default(['org:create_api_key', 'user:profile', 'user:inference']).describe('Scopes requested at login'),
});

export const DetectionSettingsSchema = z.object({
  enabled: z.boolean().default(true).describe('Run the installed Claude CLI once (in the background) to capture its headers and system prompt'),
  timeout_seconds: z.number().positive().default(45).describe('Bound for one detection run'),
  refresh_interval_seconds: z.number().int().positive().default(3600).describe('How often the detection task re-checks the CLI version'),
  cache_dir: z.string().optional().describe('Where detection results are cached per CLI version (default $XDG_CACHE_HOME/ccproxy)').meta({ examples: ['/var/cache/ccproxy'] }),
});

/** One `[[plugins.claude_api.accounts]]` table: a Claude Code credentials file, or an API key, or (neither) the file `ccproxy auth login claude --account <name>` stores. */
export const ClaudeAccountSchema = accountSchema({
  credentials_file: z.string().optional().describe('This account\'s Claude Code credentials file (default: the one `ccproxy auth login claude --account <name>` stores under $XDG_DATA_HOME/ccproxy/accounts/claude_api/)'),
  api_key: z.string().min(1).optional().describe('An Anthropic API key instead of OAuth credentials'),
}).refine((a) => !(a.credentials_file && a.api_key), { message: 'give credentials_file or api_key, not both' });

export type ClaudeAccountConfig = z.infer<typeof ClaudeAccountSchema>;

export const ClaudeApiConfigSchema = ProviderConfigSchema.extend({
  base_url: z.string().url().default('https://api.anthropic.com').describe('Anthropic API base URL'),
  auth_type: z.enum(['auto', 'oauth', 'api_key']).default('auto').describe('auto: OAuth credentials when present, else api_key; oauth or api_key force one'),
  api_key: z.string().min(1).optional().describe('Anthropic API key (sent as x-api-key, no OAuth headers). Never read from ANTHROPIC_API_KEY').meta({ examples: ['sk-ant-api03-...'] }),
  credentials_file: z.string().optional().describe('Claude Code credentials file (default $CLAUDE_CONFIG_DIR/.credentials.json, else ~/.claude/.credentials.json)').meta({ examples: ['~/.claude/.credentials.json'] }),
  refresh_margin_seconds: z.number().int().min(0).default(300).describe('Refresh the OAuth access token this long before it expires'),
  oauth: OAuthSettingsSchema.default(OAuthSettingsSchema.parse({})).describe('OAuth endpoints and client (override for tests or proxies)'),
  anthropic_version: z.string().default('2023-06-01').describe('anthropic-version sent when the client sent none'),
  cli_path: z.string().optional().describe('Claude CLI executable for detection (default: claude on PATH, then the bundled binary of the Agent SDK)').meta({ examples: ['/usr/local/bin/claude'] }),
  system_prompt_injection: z.enum(['minimal', 'full', 'none']).default('minimal').describe('OAuth only: prepend the Claude Code identity (minimal), the detected CLI system prompt (full), or nothing'),
  max_cache_breakpoints: z.number().int().min(0).max(4).default(4).describe('Keep at most this many cache_control breakpoints (the API refuses more than 4)'),
  model_map: z.record(z.string(), z.string()).default({
    'gpt-*-mini': 'claude-haiku-4-5',
    'gpt-*-nano': 'claude-haiku-4-5',
    'gpt-*': 'claude-sonnet-4-6',
    'o*': 'claude-sonnet-4-6',
  }).describe('OpenAI routes: model name or glob → Claude model (Claude names pass through)'),
  default_model: z.string().default('claude-sonnet-4-6').describe('Model for OpenAI-route requests whose model matches nothing and is not a Claude name'),
  models: z.array(z.string()).default([
    'claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-opus-4-8', 'claude-opus-4-1',
    'claude-sonnet-4-6', 'claude-sonnet-4-5', 'claude-haiku-4-5',
  ]).describe('Model ids listed on /v1/models'),
  default_max_tokens: z.number().int().positive().default(8192).describe('max_tokens for OpenAI-route requests that set none (Anthropic requires it)'),
  detection: DetectionSettingsSchema.default(DetectionSettingsSchema.parse({})).describe('Claude CLI detection'),
  accounts: z.array(ClaudeAccountSchema).default([]).describe('Several Claude accounts (a pool); empty: the one above (credentials_file / api_key) plus any stored with `ccproxy auth login claude --account <name>`'),
  strategy: StrategySchema,
}).superRefine((c, ctx) => uniqueNames(c.accounts, ctx));

export type ClaudeApiConfig = z.infer<typeof ClaudeApiConfigSchema>;
