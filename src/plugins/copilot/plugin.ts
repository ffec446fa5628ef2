/**
 * The copilot provider plugin: a GitHub Copilot subscription under `/copilot` on the Anthropic
 * Messages, OpenAI Chat Completions and OpenAI Responses APIs. Written only on the public plugin
 * entry. Wiring only: auth/ (GitHub token, device-flow login, Copilot token exchange), models.ts
 * (model list and names), adapter.ts (requests), health.ts.
 */
import { definePlugin } from '../../plugin.js';
import { CopilotAdapter } from './adapter.js';
import { copilotAuthCommands } from './auth/commands.js';
import { CopilotTokens } from './auth/copilot-token.js';
import { credentialFile, resolveGitHubToken, type GitHubToken } from './auth/github-token.js';
import { CopilotConfigSchema } from './config.js';
import { copilotHealth } from './health.js';
import { CopilotModels } from './models.js';

export const Plugin = definePlugin({
  kind: 'provider',
  name: 'copilot',
  version: '1.0.0',
  description: 'A GitHub Copilot subscription (GitHub device-flow login) on all three APIs',
  prefix: '/copilot',
  config: CopilotConfigSchema,
  auth: copilotAuthCommands,
  async setup({ config, services }) {
    const file = credentialFile(config, services.dataDir);
    const dispatcher = services.httpClient;
    /** The GitHub token last resolved (at startup and at each exchange), for health and the banner. */
    let github: GitHubToken | undefined;
    const githubToken = async (): Promise<GitHubToken | undefined> => {
      github = await resolveGitHubToken(config, services.env, file);
      return github;
    };
    const tokens = new CopilotTokens({ config, dispatcher, githubToken, logger: services.logger });
    const models = new CopilotModels({ config, tokens, dispatcher });
    const adapter = new CopilotAdapter({ config, tokens, models, dispatcher, logger: services.logger.child({ provider: 'copilot' }) });
    github = await resolveGitHubToken(config, services.env, file).catch(() => undefined);
    return {
      adapter,
      health: () => copilotHealth(github, tokens, models, adapter),
      /** The model list, refreshed on a schedule; its token exchange also keeps the Copilot token fresh. */
      tasks() {
        if (!github) return [];
        const every = config.models_refresh_interval;
        return [{
          name: 'copilot_models_refresh',
          intervalSeconds: every,
          jitterSeconds: Math.min(30, every / 10),
          maxBackoffSeconds: 3600,
          timeoutSeconds: 45,
          run: async (signal) => {
            await models.refresh(signal);
          },
        }];
      },
      startupInfo() {
        if (!github) {
          return { credentials: { ok: false, message: 'no GitHub token', fix: 'run `ccproxy auth login copilot` (or set github_token / COPILOT_GITHUB_TOKEN)' } };
        }
        return { lines: [`copilot: GitHub token from ${github.source.startsWith('env:') ? `$${github.source.slice(4)}` : github.source}`], credentials: { ok: true, message: 'GitHub token found' } };
      },
    };
  },
});
/** An instance of the plugin (tests and the CLI hold one). */
export type Plugin = InstanceType<typeof Plugin>;
