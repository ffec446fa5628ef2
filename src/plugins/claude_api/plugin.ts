/**
 * claude_api: Claude Pro/Max (Claude Code's OAuth credentials) or an Anthropic API key, served on
 * the Anthropic Messages, OpenAI Chat Completions and OpenAI Responses APIs under `/claude`.
 */
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { PluginError, accountPool, type AccountPool, type ProviderAdapter, type HealthCheckResult, type ProviderPlugin, type ScheduledTaskDefinition, type StartupInfo, type CoreServices } from '../../plugin.js';
import { ClaudeApiAdapter } from './adapter.js';
import { claudeAuthCommands } from './auth/commands.js';
import type { ClaudeTokenSource } from './auth/token-source.js';
import { claudeAccounts } from './accounts.js';
import { ClaudeApiConfigSchema, type ClaudeApiConfig } from './config.js';
import { ClaudeDetector } from './detection.js';
import { claudeApiHealth } from './health.js';
import { claudeApiRoutes } from './routes.js';
import { claudeApiTasks } from './tasks.js';
import { ClaudeUpstream, PLUGIN_NAME } from './upstream-call.js';

interface State {
  config: ClaudeApiConfig;
  pool: AccountPool<ClaudeTokenSource>;
  tokens: ClaudeTokenSource;
  detector: ClaudeDetector;
  upstream: ClaudeUpstream;
  adapter: ClaudeApiAdapter;
  /** Credentials as seen at startup, for the synchronous startupInfo(). */
  startup: { mode: string; expiresAt?: number; subscription?: string; error?: string };
  /** HOME of the proxy's environment, shortened to `~` in startup lines. */
  home?: string;
}

export class Plugin implements ProviderPlugin<ClaudeApiConfig> {
  readonly kind = 'provider' as const;
  readonly name = PLUGIN_NAME;
  readonly version = '0.1.0';
  readonly description = 'Claude Pro/Max through Claude Code OAuth credentials (or an Anthropic API key) on all three APIs';
  readonly routerPrefix = '/claude';
  readonly configSchema = ClaudeApiConfigSchema;
  readonly auth = claudeAuthCommands;
  private state?: State;

  async initialize(services: CoreServices): Promise<void> {
    const config = ClaudeApiConfigSchema.parse(services.getPluginConfig(PLUGIN_NAME));
    // services.logger is already this plugin's child logger (bound to its name by the core).
    const logger = services.logger;
    const members = await claudeAccounts(config, {
      env: services.env, dataDir: services.dataDir, httpClient: services.httpClient, logger,
      state: { settings: services.settings.state, backend: services.state },
    });
    const pool = accountPool(services, PLUGIN_NAME, members, config.strategy);
    // The first account stands for the plugin in startup lines (the only one in a plain setup).
    const tokens = members[0]!.value;
    const detector = new ClaudeDetector({
      cliPath: config.cli_path,
      cacheDir: config.detection.cache_dir ?? services.cacheDir,
      timeoutMs: config.detection.timeout_seconds * 1000,
      logger,
      env: services.env,
    });
    const upstream = new ClaudeUpstream(config, pool, detector, services.httpClient);
    const adapter = new ClaudeApiAdapter(config, upstream, detector, logger);
    const startup: State['startup'] = { mode: 'none' };
    try {
      startup.mode = await tokens.mode();
      const t = startup.mode === 'oauth' ? await tokens.refresher.current() : null;
      startup.expiresAt = t?.expiresAt;
      startup.subscription = t?.subscriptionType;
    } catch (err) {
      startup.error = err instanceof Error ? err.message : String(err);
    }
    this.state = { config, pool, tokens, detector, upstream, adapter, startup, home: services.env.HOME };
    // Running the CLI takes seconds: never delay startup; fallback headers serve meanwhile.
    if (config.detection.enabled) {
      void detector.refresh().then((d) => {
        // Shut down meanwhile (a failed start, say): nothing logs after shutdown.
        if (!detector.stopped) logger.debug({ version: d.version, source: d.source }, 'claude cli detection finished');
      });
    }
  }

  async shutdown(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    state?.detector.stop();
    state?.pool.close();
    await Promise.all([...(state?.pool.members ?? []).map((m) => m.value.refresher.close()), state?.detector.settled()]);
  }

  createConfig(): ClaudeApiConfig {
    return this.need().config;
  }

  async validate(): Promise<boolean> {
    return this.state !== undefined;
  }

  getRoutes(): FastifyPluginAsync {
    return claudeApiRoutes(this.need().adapter, PLUGIN_NAME);
  }

  createAdapter(): ProviderAdapter {
    return this.need().adapter;
  }

  async healthCheck(): Promise<HealthCheckResult> {
    const s = this.need();
    return claudeApiHealth({ tokens: s.tokens, detector: s.detector, stats: s.upstream.stats, pool: s.pool });
  }

  accountNames(): Record<string, string[]> {
    return { [PLUGIN_NAME]: this.need().pool.members.map((m) => m.name) };
  }

  getScheduledTasks(): ScheduledTaskDefinition[] {
    const s = this.state;
    return s ? claudeApiTasks(s.config, s.detector) : [];
  }

  startupInfo(): StartupInfo {
    const s = this.state;
    if (!s) return {};
    if (s.pool.pooled) {
      const names = s.pool.members.map((m) => m.name).join(', ');
      return { lines: [`accounts: ${names} (strategy ${s.config.strategy})`], credentials: { ok: true, message: `${s.pool.members.length} accounts; \`ccproxy accounts\` shows each one` } };
    }
    const file = s.tokens.file.path;
    const lines = [`credentials file: ${s.home ? file.replace(s.home, '~') : file}`];
    const { mode, expiresAt, subscription, error } = s.startup;
    if (error) return { lines, credentials: { ok: false, message: error, fix: 'fix or delete the file, then `ccproxy auth login claude`' } };
    if (mode === 'api_key') return { lines, credentials: { ok: true, message: 'API key (plugins.claude_api.api_key)' } };
    if (mode === 'none') {
      return { lines, credentials: { ok: false, message: `no Claude credentials in ${path.basename(file)}`, fix: 'ccproxy auth login claude' } };
    }
    const left = expiresAt !== undefined ? Math.round((expiresAt - Date.now()) / 60_000) : undefined;
    const when = left === undefined ? '' : left > 0 ? `, expires in ${left} min` : ', expired: refreshed on first request';
    return { lines, credentials: { ok: true, message: `OAuth (${subscription ?? 'subscription'}${when})` } };
  }

  private need(): State {
    if (!this.state) throw new PluginError(PLUGIN_NAME, 'claude_api plugin is not initialized');
    return this.state;
  }
}
