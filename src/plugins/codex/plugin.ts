/**
 * The codex provider plugin: ChatGPT Plus/Pro through the Codex CLI's OAuth credentials, served
 * under `/codex` on the Anthropic Messages, OpenAI Chat Completions and OpenAI Responses APIs.
 * Wiring only; the work lives in adapter.ts (requests), auth/ (credentials), accounts.ts (the
 * pool of accounts), detection.ts (CLI).
 */
import { accountPool, accountServices, definePlugin } from '../../plugin.js';
import { codexAccounts } from './accounts.js';
import { CodexAdapter } from './adapter.js';
import { codexAuthCommands } from './auth/commands.js';
import { CodexConfigSchema } from './config.js';
import { CodexDetectionService } from './detection.js';
import { codexHealth, codexPoolHealth } from './health.js';
import { codexRoutes } from './routes.js';
import { codexTasks } from './tasks.js';

const PLUGIN = 'codex';

export const Plugin = definePlugin({
  kind: 'provider',
  name: PLUGIN,
  version: '1.0.0',
  description: 'ChatGPT Plus/Pro (Codex models) through the Codex CLI\'s OAuth credentials',
  prefix: '/codex',
  config: CodexConfigSchema,
  auth: codexAuthCommands,
  async setup({ config, services }) {
    const logger = services.logger;
    const members = await codexAccounts(config, accountServices(services, PLUGIN));
    const pool = accountPool(services, PLUGIN, members, config.strategy);
    /** The first account: the only one in a plain setup, and the one startup lines describe. */
    const tokens = members[0]!.value;
    const detection = new CodexDetectionService({ config, cacheDir: services.cacheDir, logger, env: services.env });
    // Never delays startup: requests use cached or shipped data until the run finishes.
    detection.start();
    const adapter = new CodexAdapter({ config, pool, detection: (model) => detection.forModel(model), dispatcher: services.httpClient, logger });
    /** Credentials as read at startup (or why they could not be), for the synchronous startupInfo(). */
    const startup = await tokens.inspect();
    return {
      adapter,
      routes: codexRoutes(adapter),
      async health() {
        const shared = {
          marginMs: config.refresh_margin_seconds * 1000,
          detection: detection.current(),
          lastUpstream: adapter.stats.lastResponse,
        };
        if (pool.pooled) return codexPoolHealth(pool, adapter.rateLimits, shared);
        const { credentials, error } = await tokens.inspect();
        return codexHealth({
          ...shared,
          credentials,
          credentialsError: error,
          unsaved: tokens.refresher.unsavedMessage(),
          writeProblem: credentials ? await tokens.file.writeProblem?.() : undefined,
          credentialsPath: tokens.path,
          lastRefresh: tokens.refresher.lastRefresh,
          rateLimits: adapter.rateLimits.get(pool.members[0]!.name),
        });
      },
      accountNames: () => ({ [PLUGIN]: pool.members.map((m) => m.name) }),
      tasks: () => codexTasks(config, detection),
      startupInfo() {
        if (pool.pooled) {
          const names = pool.members.map((m) => m.name).join(', ');
          return { lines: [`accounts: ${names} (strategy ${config.strategy})`], credentials: { ok: true, message: `${pool.members.length} accounts; \`ccproxy accounts\` shows each one` } };
        }
        const c = startup.credentials;
        const path = tokens.path;
        const lines: string[] = [];
        if (startup.error) {
          return { credentials: { ok: false, message: startup.error, fix: 'fix or delete the file, then `ccproxy auth login codex`' }, lines };
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
      },
      async close() {
        detection.stop();
        pool.close();
        await Promise.all(pool.members.map((m) => m.value.refresher.close()));
        await detection.settled();
      },
    };
  },
});

/** An instance of the plugin (tests and the CLI hold one). */
export type Plugin = InstanceType<typeof Plugin>;
