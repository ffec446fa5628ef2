/**
 * The copilot provider plugin: a GitHub Copilot subscription under `/copilot` on the Anthropic
 * Messages, OpenAI Chat Completions and OpenAI Responses APIs. Written only on the public plugin
 * entry. Wiring only: auth/ (GitHub token, device-flow login, Copilot token exchange), models.ts
 * (model list and names), adapter.ts (requests), health.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import { PluginError, providerRoutes, type CoreServices, type HealthCheckResult, type ProviderAdapter, type ProviderPlugin, type ScheduledTaskDefinition, type StartupInfo } from '../../plugin.js';
import { CopilotAdapter } from './adapter.js';
import { copilotAuthCommands } from './auth/commands.js';
import { CopilotTokens } from './auth/copilot-token.js';
import { credentialFile, resolveGitHubToken, type GitHubToken } from './auth/github-token.js';
import { CopilotConfigSchema, type CopilotConfig } from './config.js';
import { copilotHealth } from './health.js';
import { CopilotModels } from './models.js';

interface Runtime {
  config: CopilotConfig;
  tokens: CopilotTokens;
  models: CopilotModels;
  adapter: CopilotAdapter;
  /** The GitHub token last resolved (at startup and at each exchange), for health and the banner. */
  github: GitHubToken | undefined;
}

export class Plugin implements ProviderPlugin<CopilotConfig> {
  readonly kind = 'provider' as const;
  readonly name = 'copilot';
  readonly version = '1.0.0';
  readonly description = 'A GitHub Copilot subscription (GitHub device-flow login) on all three APIs';
  readonly routerPrefix = '/copilot';
  readonly configSchema = CopilotConfigSchema;
  readonly auth = copilotAuthCommands;
  private rt: Runtime | null = null;

  async initialize(services: CoreServices): Promise<void> {
    const config = CopilotConfigSchema.parse(services.getPluginConfig(this.name));
    const file = credentialFile(config, services.dataDir);
    const dispatcher = services.httpClient;
    const githubToken = async (): Promise<GitHubToken | undefined> => {
      const found = await resolveGitHubToken(config, services.env, file);
      if (this.rt) this.rt.github = found;
      return found;
    };
    const tokens = new CopilotTokens({ config, dispatcher, githubToken, logger: services.logger });
    const models = new CopilotModels({ config, tokens, dispatcher });
    const adapter = new CopilotAdapter({ config, tokens, models, dispatcher, logger: services.logger.child({ provider: this.name }) });
    const github = await resolveGitHubToken(config, services.env, file).catch(() => undefined);
    this.rt = { config, tokens, models, adapter, github };
  }

  async shutdown(): Promise<void> {
    this.rt = null;
  }

  createConfig(): CopilotConfig {
    return this.runtime().config;
  }

  async validate(): Promise<boolean> {
    return this.rt !== null;
  }

  getRoutes(): FastifyPluginAsync | null {
    return providerRoutes(this.runtime().adapter, { plugin: this.name });
  }

  createAdapter(): ProviderAdapter {
    return this.runtime().adapter;
  }

  async healthCheck(): Promise<HealthCheckResult> {
    const rt = this.runtime();
    return copilotHealth(rt.github, rt.tokens, rt.models, rt.adapter);
  }

  /** The model list, refreshed on a schedule; its token exchange also keeps the Copilot token fresh. */
  getScheduledTasks(): ScheduledTaskDefinition[] {
    const rt = this.runtime();
    if (!rt.github) return [];
    const every = rt.config.models_refresh_interval;
    return [{
      name: 'copilot_models_refresh',
      intervalSeconds: every,
      jitterSeconds: Math.min(30, every / 10),
      maxBackoffSeconds: 3600,
      timeoutSeconds: 45,
      run: async (signal) => {
        await rt.models.refresh(signal);
      },
    }];
  }

  startupInfo(): StartupInfo {
    const gh = this.runtime().github;
    if (!gh) {
      return { credentials: { ok: false, message: 'no GitHub token', fix: 'run `ccproxy auth login copilot` (or set github_token / COPILOT_GITHUB_TOKEN)' } };
    }
    return { lines: [`copilot: GitHub token from ${gh.source.startsWith('env:') ? `$${gh.source.slice(4)}` : gh.source}`], credentials: { ok: true, message: 'GitHub token found' } };
  }

  private runtime(): Runtime {
    if (!this.rt) throw new PluginError(this.name, 'copilot plugin used before initialize()');
    return this.rt;
  }
}
