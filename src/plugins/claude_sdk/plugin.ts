/**
 * claude_sdk: Claude through the Claude Code CLI itself (Agent SDK `query()`), on the Anthropic
 * Messages, OpenAI Chat Completions and OpenAI Responses APIs, with client sessions.
 * Prefix `/claude/sdk`. See README.md for when to use it instead of claude_api.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { PluginError, type ProviderAdapter, type ProxyError, type HealthCheckResult, type ProviderPlugin, type ScheduledTaskDefinition, type StartupInfo, type CoreServices } from '../../plugin.js';
import { ClaudeSdkAdapter } from './adapter.js';
import { CliProcessRegistry } from './cli-process.js';
import { ClaudeSdkConfigSchema, type ClaudeSdkConfig } from './config.js';
import { ClaudeDetectionService, resolveCli } from './detection.js';
import type { LoginState } from './login-state.js';
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

interface State {
  config: ClaudeSdkConfig;
  logger: Logger;
  detection: ClaudeDetectionService;
  sessions: SessionPool;
  limiter: Semaphore;
  registry: CliProcessRegistry;
  warm?: WarmPool;
  /** Pending approvals (undefined: builtin_permissions off). */
  permissions?: PermissionBroker;
  adapter: ClaudeSdkAdapter;
  /** The last request failure, for health. */
  errors: { last?: { message: string; at: string } };
  /** Login state read at startup (files only), for startupInfo() while detection runs. */
  startupLogin: LoginState;
}

export class Plugin implements ProviderPlugin<ClaudeSdkConfig> {
  readonly kind = 'provider' as const;
  readonly name = NAME;
  readonly version = '0.1.0';
  readonly description = 'Claude via the Claude Code CLI (Agent SDK): its tools, MCP servers, permissions and sessions behind the three APIs';
  readonly routerPrefix = '/claude/sdk';
  readonly configSchema = ClaudeSdkConfigSchema;
  private state?: State;

  async initialize(services: CoreServices): Promise<void> {
    const config = ClaudeSdkConfigSchema.parse(services.getPluginConfig(NAME));
    const logger = services.logger; // already stamped with { plugin: 'claude_sdk' }
    const detection = new ClaudeDetectionService(config.cli_path, config.env);
    const sessions = new SessionPool(config.max_sessions, config.session_idle_ttl * 1000, NAME);
    const limiter = new Semaphore(config.max_concurrent);
    const registry = new CliProcessRegistry();
    const errors: State['errors'] = {};
    const warm = config.prewarm
      ? new WarmPool({ registry, idleMs: config.prewarm_idle_timeout * 1000, onError: (err) => logger.debug({ err }, 'prewarming a CLI failed') })
      : undefined;
    const permissions = config.builtin_permissions
      ? new PermissionBroker({ plugin: NAME, timeoutMs: config.permission_timeout * 1000, logger, events: services.events })
      : undefined;
    const adapter = new ClaudeSdkAdapter({
      plugin: NAME, config, detection, sessions, limiter, registry, warm, permissions,
      onError: (err: ProxyError) => {
        errors.last = { message: err.message, at: new Date().toISOString() };
      },
    });
    const state: State = { config, logger, detection, sessions, limiter, registry, warm, permissions, adapter, errors, startupLogin: await detection.loginState() };
    this.state = state;
    // Detection spawns the CLI (its version): never let it delay startup.
    void detection.refresh().then((d) => {
      if (detection.stopped) return; // shut down meanwhile: its result is moot, and nothing logs after shutdown
      if (d.cliPath) logger.info({ version: d.version, cli: d.cliPath, source: d.source, loggedIn: d.loggedIn }, 'claude_cli_available');
      else logger.warn({ reason: d.error }, 'claude_cli_not_found');
    });
  }

  async shutdown(): Promise<void> {
    const s = this.state;
    if (!s) return;
    s.detection.stop();
    s.permissions?.close();
    s.sessions.close();
    s.warm?.close();
    s.limiter.rejectAll(new PluginError(NAME, 'shutting down'));
    await Promise.all([s.registry.killAll(), s.detection.settled()]);
  }

  createConfig(): ClaudeSdkConfig {
    return this.need().config;
  }

  async validate(): Promise<boolean> {
    return this.state !== undefined;
  }

  getRoutes(): FastifyPluginAsync {
    return claudeSdkRoutes(this.need().adapter, NAME);
  }

  /** `/permissions`, at the root: see permissions/routes.ts. */
  getRootRoutes(): FastifyPluginAsync | null {
    const broker = this.need().permissions;
    return broker ? permissionRoutes(broker, NAME) : null;
  }

  createAdapter(): ProviderAdapter {
    return this.need().adapter;
  }

  async healthCheck(): Promise<HealthCheckResult> {
    const s = this.need();
    return claudeSdkHealth({
      plugin: NAME,
      detection: s.detection.detection,
      sessions: s.sessions.stats(),
      running: s.adapter.running,
      processes: s.registry.pids,
      warmPid: s.warm?.pid,
      pendingPermissions: s.permissions?.size,
      lastError: s.errors.last,
    });
  }

  getScheduledTasks(): ScheduledTaskDefinition[] {
    const s = this.state;
    if (!s) return [];
    return [
      detectionRefreshTask(NAME, s.config.detection_interval, s.detection, s.logger),
      sessionCleanupTask(NAME, s.config.session_cleanup_interval, s.sessions, s.logger),
    ];
  }

  startupInfo(): StartupInfo {
    const s = this.state;
    if (!s) return {};
    const d = s.detection.detection;
    // Before detection ends, a file lookup finds the CLI; the login state was read at startup.
    const found = d ? (d.cliPath && d.source ? { path: d.cliPath, source: d.source } : null) : resolveCli(s.config.cli_path, s.detection.cliEnv());
    if (!found) return { credentials: { ok: false, message: d?.error ?? 'Claude Code CLI not found', fix: CLI_FIX } };
    const lines = [`Claude Code ${d?.version ? `${d.version} ` : ''}at ${found.path} (${found.source})`];
    const login = d ?? s.startupLogin;
    return login.loggedIn
      ? { lines, credentials: { ok: true, message: `Claude Code is logged in (${login.authMethod}${login.subscription ? `, ${login.subscription}` : ''})` } }
      : { lines, credentials: { ok: false, message: 'Claude Code is not logged in (an ANTHROPIC_API_KEY in [plugins.claude_sdk.env] works too)', fix: 'run `claude`, then /login in it' } };
  }

  private need(): State {
    if (!this.state) throw new PluginError(NAME, 'claude_sdk plugin is not initialized');
    return this.state;
  }
}
