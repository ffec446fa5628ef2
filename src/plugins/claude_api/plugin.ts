/**
 * claude_api: Claude Pro/Max (Claude Code's OAuth credentials) or an Anthropic API key, served on
 * the Anthropic Messages, OpenAI Chat Completions and OpenAI Responses APIs under `/claude`.
 */
import path from 'node:path';
import { accountPool, accountServices, definePlugin } from '../../plugin.js';
import { ClaudeApiAdapter } from './adapter.js';
import { claudeAuthCommands } from './auth/commands.js';
import { claudeAccounts } from './accounts.js';
import { ClaudeApiConfigSchema } from './config.js';
import { ClaudeDetector } from './detection.js';
import { claudeApiHealth } from './health.js';
import { claudeApiRoutes } from './routes.js';
import { claudeApiTasks } from './tasks.js';
import { ClaudeUpstream, PLUGIN_NAME } from './upstream-call.js';

export const Plugin = definePlugin({
  kind: 'provider',
  name: PLUGIN_NAME,
  version: '0.1.0',
  description: 'Claude Pro/Max through Claude Code OAuth credentials (or an Anthropic API key) on all three APIs',
  prefix: '/claude',
  config: ClaudeApiConfigSchema,
  auth: claudeAuthCommands,
  async setup({ config, services }) {
    // services.logger is already this plugin's child logger (bound to its name by the core).
    const logger = services.logger;
    const members = await claudeAccounts(config, accountServices(services, PLUGIN_NAME));
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
    /** Credentials as seen at startup, for the synchronous startupInfo(). */
    const startup: { mode: string; expiresAt?: number; subscription?: string; error?: string } = { mode: 'none' };
    try {
      startup.mode = await tokens.mode();
      const t = startup.mode === 'oauth' ? await tokens.refresher.current() : null;
      startup.expiresAt = t?.expiresAt;
      startup.subscription = t?.subscriptionType;
    } catch (err) {
      startup.error = err instanceof Error ? err.message : String(err);
    }
    /** HOME of the proxy's environment, shortened to `~` in startup lines. */
    const home = services.env.HOME;
    // Running the CLI takes seconds: never delay startup; fallback headers serve meanwhile.
    if (config.detection.enabled) {
      void detector.refresh().then((d) => {
        // Shut down meanwhile (a failed start, say): nothing logs after shutdown.
        if (!detector.stopped) logger.debug({ version: d.version, source: d.source }, 'claude cli detection finished');
      });
    }
    return {
      adapter,
      routes: claudeApiRoutes(adapter, PLUGIN_NAME),
      health: () => claudeApiHealth({ tokens, detector, stats: upstream.stats, pool }),
      accountNames: () => ({ [PLUGIN_NAME]: pool.members.map((m) => m.name) }),
      tasks: () => claudeApiTasks(config, detector),
      startupInfo() {
        if (pool.pooled) {
          const names = pool.members.map((m) => m.name).join(', ');
          return { lines: [`accounts: ${names} (strategy ${config.strategy})`], credentials: { ok: true, message: `${pool.members.length} accounts; \`ccproxy accounts\` shows each one` } };
        }
        const file = tokens.file.path;
        const lines = [`credentials file: ${home ? file.replace(home, '~') : file}`];
        const { mode, expiresAt, subscription, error } = startup;
        if (error) return { lines, credentials: { ok: false, message: error, fix: 'fix or delete the file, then `ccproxy auth login claude`' } };
        if (mode === 'api_key') return { lines, credentials: { ok: true, message: 'API key (plugins.claude_api.api_key)' } };
        if (mode === 'none') {
          return { lines, credentials: { ok: false, message: `no Claude credentials in ${path.basename(file)}`, fix: 'ccproxy auth login claude' } };
        }
        const left = expiresAt !== undefined ? Math.round((expiresAt - Date.now()) / 60_000) : undefined;
        const when = left === undefined ? '' : left > 0 ? `, expires in ${left} min` : ', expired: refreshed on first request';
        return { lines, credentials: { ok: true, message: `OAuth (${subscription ?? 'subscription'}${when})` } };
      },
      async close() {
        detector.stop();
        pool.close();
        await Promise.all([...pool.members.map((m) => m.value.refresher.close()), detector.settled()]);
      },
    };
  },
});
/** An instance of the plugin (tests and the CLI hold one). */
export type Plugin = InstanceType<typeof Plugin>;
