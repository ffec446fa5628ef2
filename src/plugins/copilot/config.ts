/**
 * `[plugins.copilot]`: a GitHub Copilot subscription. The GitHub token comes from `github_token`,
 * the variable `github_token_env` names, or `ccproxy auth login copilot` (stored under the data
 * dir); it is exchanged for short-lived Copilot API tokens. The editor headers the Copilot API
 * expects carry versions here, so a change on GitHub's side is a config edit, not a release.
 */
import { ProviderConfigSchema, z } from '../../plugin.js';

export const CopilotConfigSchema = ProviderConfigSchema.extend({
  github_token: z.string().min(1).optional().describe('A GitHub OAuth token with Copilot access (default: the one `ccproxy auth login copilot` stored)'),
  github_token_env: z.string().min(1).default('COPILOT_GITHUB_TOKEN').describe('Environment variable holding a GitHub token (used when github_token is not set)'),
  credentials_file: z.string().min(1).optional().describe('Where `auth login copilot` stores the GitHub token (default: <XDG data dir>/ccproxy/copilot.json, mode 0600)'),
  oauth: z.object({
    client_id: z.string().min(1).default('Iv1.b507a08c87ecfe98').describe('GitHub OAuth app of the device flow (the Copilot editor plugins\' public client id)'),
    scope: z.string().default('read:user'),
    device_code_url: z.string().url().default('https://github.com/login/device/code'),
    token_url: z.string().url().default('https://github.com/login/oauth/access_token'),
  }).default({ client_id: 'Iv1.b507a08c87ecfe98', scope: 'read:user', device_code_url: 'https://github.com/login/device/code', token_url: 'https://github.com/login/oauth/access_token' }).describe('GitHub device-flow login'),
  token_exchange_url: z.string().url().default('https://api.github.com/copilot_internal/v2/token').describe('Where the GitHub token is exchanged for a Copilot API token'),
  api_base_url: z.string().url().default('https://api.githubcopilot.com').describe('Copilot API root used when the exchange names none (it usually does: endpoints.api)'),
  editor_version: z.string().min(1).default('vscode/1.99.3').describe('`editor-version` header'),
  editor_plugin_version: z.string().min(1).default('copilot-chat/0.26.7').describe('`editor-plugin-version` header'),
  integration_id: z.string().min(1).default('vscode-chat').describe('`copilot-integration-id` header'),
  user_agent: z.string().min(1).default('GitHubCopilotChat/0.26.7').describe('`user-agent` header'),
  model_map: z.record(z.string(), z.string()).default({}).describe('Client model name or glob → Copilot model (checked before the built-in Claude name mapping)'),
  default_model: z.string().min(1).default('gpt-4.1').describe('Copilot model for requests without a model, or a Claude name Copilot does not offer'),
  refresh_margin: z.number().int().nonnegative().default(300).describe('Seconds before its expiry a Copilot token is exchanged again'),
  timeout: z.number().positive().default(120).describe('Seconds to wait for the Copilot API\'s response headers'),
  models_refresh_interval: z.number().int().positive().default(1800).describe('Seconds between refreshes of the Copilot model list'),
});

export type CopilotConfig = z.infer<typeof CopilotConfigSchema>;

/** The headers the Copilot API (and the token exchange) expect from an editor integration. */
export function editorHeaders(config: CopilotConfig): Record<string, string> {
  return {
    'editor-version': config.editor_version,
    'editor-plugin-version': config.editor_plugin_version,
    'copilot-integration-id': config.integration_id,
    'user-agent': config.user_agent,
  };
}
