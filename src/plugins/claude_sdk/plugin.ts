/**
 * claude_sdk: Claude through the Claude Code CLI itself (Agent SDK `query()`), on the Anthropic
 * Messages, OpenAI Chat Completions and OpenAI Responses APIs, with client sessions.
 * Prefix `/claude/sdk`. See README.md for when to use it instead of claude_api.
 */
import { PluginError, definePlugin, type ProxyError } from '../../plugin.js';
import { ClaudeSdkAdapter } from './adapter.js';
import { CliProcessRegistry } from './cli-process.js';
import { ClaudeSdkConfigSchema } from './config.js';
import { ClaudeDetectionService, resolveCli } from './detection.js';
import { claudeSdkHealth } from './health.js';
import { PermissionBroker } from './permissions/broker.js';
import { permissionRoutes } from './permissions/routes.js';
import { claudeSdkRoutes } from './routes.js';
import { Semaphore } from './semaphore.js';
import { SessionPool } from './sessions.js';
import { detectionRefreshTask, sessionCleanupTask } from './tasks.js';
import { WarmPool } from './warm-pool.js';

const NAME = 'claude_sdk';
const CLI_FIX = 'npm install -g @anthropic-ai/claude-code, or set plugins.claude_sdk.cli_path';

export const Plugin = definePlugin({
  kind: 'provider',
  name: NAME,
  version: '0.1.0',
  description: 'Claude via the Claude Code CLI (Agent SDK): its tools, MCP servers, permissions and sessions behind the three APIs',
  prefix: '/claude/sdk',
  config: ClaudeSdkConfigSchema,
  async setup({ config, services }) {
    const logger = services.logger; // already stamped with { plugin: 'claude_sdk' }
    const detection = new ClaudeDetectionService(config.cli_path, { ...services.env, ...config.env });
    const sessions = new SessionPool(config.max_sessions, config.session_idle_ttl * 1000, NAME);
    const limiter = new Semaphore(config.max_concurrent);
    const registry = new CliProcessRegistry();
    /** The last request failure, for health. */
    const errors: { last?: { message: string; at: string } } = {};
    const warm = config.prewarm
      ? new WarmPool({ registry, idleMs: config.prewarm_idle_timeout * 1000, onError: (err) => logger.debug({ err }, 'prewarming a CLI failed') })
      : undefined;
    /** Pending approvals (undefined: builtin_permissions off). */
    const permissions = config.builtin_permissions
      ? new PermissionBroker({ plugin: NAME, timeoutMs: config.permission_timeout * 1000, logger, events: services.events })
      : undefined;
    const adapter = new ClaudeSdkAdapter({
      plugin: NAME, config, detection, sessions, limiter, registry, warm, permissions,
      onError: (err: ProxyError) => {
        errors.last = { message: err.message, at: new Date().toISOString() };
      },
    });
    /** Login state read at startup (files only), for startupInfo() while detection runs. */
    const startupLogin = await detection.loginState();
    // Detection spawns the CLI (its version): never let it delay startup.
    void detection.refresh().then((d) => {
      if (detection.stopped) return; // shut down meanwhile: its result is moot, and nothing logs after shutdown
      if (d.cliPath) logger.info({ version: d.version, cli: d.cliPath, source: d.source, loggedIn: d.loggedIn }, 'claude_cli_available');
      else logger.warn({ reason: d.error }, 'claude_cli_not_found');
    });
    return {
      adapter,
      routes: claudeSdkRoutes(adapter, NAME),
      /** `/permissions`, at the root: see permissions/routes.ts. */
      rootRoutes: permissions ? permissionRoutes(permissions, NAME) : null,
      health: () => claudeSdkHealth({
        plugin: NAME,
        detection: detection.detection,
        sessions: sessions.stats(),
        running: adapter.running,
        processes: registry.pids,
        warmPid: warm?.pid,
        pendingPermissions: permissions?.size,
        lastError: errors.last,
      }),
      tasks: () => [
        detectionRefreshTask(NAME, config.detection_interval, detection, logger),
        sessionCleanupTask(NAME, config.session_cleanup_interval, sessions, logger),
      ],
      startupInfo() {
        const d = detection.detection;
        // Before detection ends, a file lookup finds the CLI; the login state was read at startup.
        const found = d ? (d.cliPath && d.source ? { path: d.cliPath, source: d.source } : null) : resolveCli(config.cli_path, detection.cliEnv());
        if (!found) return { credentials: { ok: false, message: d?.error ?? 'Claude Code CLI not found', fix: CLI_FIX } };
        const lines = [`Claude Code ${d?.version ? `${d.version} ` : ''}at ${found.path} (${found.source})`];
        const login = d ?? startupLogin;
        return login.loggedIn
          ? { lines, credentials: { ok: true, message: `Claude Code is logged in (${login.authMethod}${login.subscription ? `, ${login.subscription}` : ''})` } }
          : { lines, credentials: { ok: false, message: 'Claude Code is not logged in (an ANTHROPIC_API_KEY in [plugins.claude_sdk.env] works too)', fix: 'run `claude`, then /login in it' } };
      },
      async close() {
        detection.stop();
        permissions?.close();
        sessions.close();
        warm?.close();
        limiter.rejectAll(new PluginError(NAME, 'shutting down'));
        await Promise.all([registry.killAll(), detection.settled()]);
      },
    };
  },
});
/** An instance of the plugin (tests and the CLI hold one). */
export type Plugin = InstanceType<typeof Plugin>;
