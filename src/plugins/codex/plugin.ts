/**
 * The codex provider plugin: ChatGPT Plus/Pro through the Codex CLI's OAuth credentials, served
 * under `/codex` on the Anthropic Messages, OpenAI Chat Completions and OpenAI Responses APIs.
 * Wiring only; the work lives in adapter.ts (requests), auth/ (credentials), accounts.ts (the
 * pool of accounts), detection.ts (CLI).
 */
import type { FastifyPluginAsync } from 'fastify';
import { accountPool, PluginError, type AccountPool, type ProviderAdapter, type CoreServices, type HealthCheckResult, type ProviderPlugin, type ScheduledTaskDefinition, type StartupInfo } from '../../plugin.js';
import { codexAccounts } from './accounts.js';
import { CodexAdapter } from './adapter.js';
import { codexAuthCommands } from './auth/commands.js';
import type { CodexCredentials } from './auth/credentials.js';
import type { CodexTokenManager } from './auth/token-manager.js';
import { CodexConfigSchema, type CodexConfig } from './config.js';
import { CodexDetectionService } from './detection.js';
import { codexHealth, codexPoolHealth } from './health.js';
import { codexRoutes } from './routes.js';
import { codexTasks } from './tasks.js';

const PLUGIN = 'codex';

interface Runtime {
  config: CodexConfig;
  pool: AccountPool<CodexTokenManager>;
  /** The first account: the only one in a plain setup, and the one startup lines describe. */
  tokens: CodexTokenManager;
  detection: CodexDetectionService;
  adapter: CodexAdapter;
  /** Credentials as read at startup (or why they could not be), for the synchronous startupInfo(). */
  startup: { credentials: CodexCredentials | null; error?: string };
}

export class Plugin implements ProviderPlugin<CodexConfig> {
  readonly kind = 'provider' as const;
  readonly name = PLUGIN;
  readonly version = '1.0.0';
  readonly description = 'ChatGPT Plus/Pro (Codex models) through the Codex CLI\'s OAuth credentials';
  readonly routerPrefix = '/codex';
  readonly configSchema = CodexConfigSchema;
  readonly auth = codexAuthCommands;
  private rt: Runtime | null = null;

  async initialize(services: CoreServices): Promise<void> {
    const config = CodexConfigSchema.parse(services.getPluginConfig(this.name));
    const logger = services.logger;
    const members = await codexAccounts(config, {
      env: services.env, dataDir: services.dataDir, dispatcher: services.httpClient, logger,
      state: { settings: services.settings.state, backend: services.state },
    });
    const pool = accountPool(services, PLUGIN, members, config.strategy);
    const tokens = members[0]!.value;
    const detection = new CodexDetectionService({ config, cacheDir: services.cacheDir, logger });
    // Never delays startup: requests use cached or shipped data until the run finishes.
    detection.start();
    const adapter = new CodexAdapter({ config, pool, detection: (model) => detection.forModel(model), dispatcher: services.httpClient, logger });
    this.rt = { config, pool, tokens, detection, adapter, startup: await tokens.inspect() };
  }

  async shutdown(): Promise<void> {
    const rt = this.rt;
    rt?.detection.stop();
    rt?.pool.close();
    await Promise.all((rt?.pool.members ?? []).map((m) => m.value.refresher.close()));
    await rt?.detection.settled();
  }

  createConfig(): CodexConfig {
    return this.runtime().config;
  }

  async validate(): Promise<boolean> {
    return this.rt !== null;
  }

  getRoutes(): FastifyPluginAsync | null {
    return codexRoutes(this.runtime().adapter);
  }

  createAdapter(): ProviderAdapter {
    return this.runtime().adapter;
  }

  async healthCheck(): Promise<HealthCheckResult> {
    const rt = this.runtime();
    const shared = {
      marginMs: rt.config.refresh_margin_seconds * 1000,
      detection: rt.detection.current(),
      lastUpstream: rt.adapter.stats.lastResponse,
    };
    if (rt.pool.pooled) return codexPoolHealth(rt.pool, rt.adapter.rateLimits, shared);
    const { credentials, error } = await rt.tokens.inspect();
    return codexHealth({
      ...shared,
      credentials,
      credentialsError: error,
      unsaved: rt.tokens.refresher.unsavedMessage(),
      writeProblem: credentials ? await rt.tokens.file.writeProblem?.() : undefined,
      credentialsPath: rt.tokens.path,
      lastRefresh: rt.tokens.refresher.lastRefresh,
      rateLimits: rt.adapter.rateLimits.get(rt.pool.members[0]!.name),
    });
  }

  accountNames(): Record<string, string[]> {
    return { [PLUGIN]: this.runtime().pool.members.map((m) => m.name) };
  }

  getScheduledTasks(): ScheduledTaskDefinition[] {
    const rt = this.runtime();
    return codexTasks(rt.config, rt.detection);
  }

  startupInfo(): StartupInfo {
    const rt = this.runtime();
    if (rt.pool.pooled) {
      const names = rt.pool.members.map((m) => m.name).join(', ');
      return { lines: [`accounts: ${names} (strategy ${rt.config.strategy})`], credentials: { ok: true, message: `${rt.pool.members.length} accounts; \`ccproxy accounts\` shows each one` } };
    }
    const c = rt.startup.credentials;
    const path = rt.tokens.path;
    const lines: string[] = [];
    if (rt.startup.error) {
      return { credentials: { ok: false, message: rt.startup.error, fix: 'fix or delete the file, then `ccproxy auth login codex`' }, lines };
    }
    if (!c) {
      return { credentials: { ok: false, message: `no Codex credentials at ${path}`, fix: 'ccproxy auth login codex' }, lines };
    }
    const left = c.expiresAt !== undefined ? Math.round((c.expiresAt - Date.now()) / 60_000) : undefined;
    const expiry = left === undefined ? '' : left > 0 ? `, token valid ${left} min` : ', token expired (refreshes on first request)';
    return {
      credentials: {
        ok: Boolean(c.accountId),
        message: `${path}${c.email ? ` (${c.email}${c.planType ? `, ${c.planType}` : ''})` : ''}${expiry}`,
        ...(c.accountId ? {} : { fix: 'ccproxy auth login codex' }),
      },
      lines,
    };
  }

  private runtime(): Runtime {
    if (!this.rt) throw new PluginError(this.name, 'codex plugin used before initialize()');
    return this.rt;
  }
}
