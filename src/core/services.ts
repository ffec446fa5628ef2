/**
 * CoreServices: the one object handed to every plugin's initialize(). Shared HTTP client, logger,
 * settings, per-plugin config, scheduler and the request event bus.
 */
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { EventBus } from './events.js';
import type { Settings } from './config/schema.js';
import type { ScheduledTaskDefinition } from './types.js';
import type { PoolState } from './pool/state.js';

export interface SchedulerApi {
  register(task: ScheduledTaskDefinition, owner?: string): void;
  unregister(name: string): void;
}

export interface CoreServices {
  /** Shared undici dispatcher (keep-alive pools, timeouts); pass as `dispatcher` to undici.request. */
  readonly httpClient: Dispatcher;
  /** Root logger; plugins get `logger.child({ plugin })` as `services.logger` in their own copy. */
  readonly logger: Logger;
  /** Validated settings (whole config). */
  readonly settings: Settings;
  /** Raw `[plugins.<name>]` section (before the plugin's schema); validate with `plugin.configSchema`. */
  getPluginConfig(name: string): Record<string, unknown>;
  readonly scheduler: SchedulerApi;
  readonly events: EventBus;
  /** Directory for caches (`$XDG_CACHE_HOME/ccproxy`), created on demand by users. */
  readonly cacheDir: string;
  /** Directory for data the proxy keeps (`$XDG_DATA_HOME/ccproxy`: accounts stored by `auth login --account`). */
  readonly dataDir: string;
  /** Directory for what the proxy writes about itself (`$XDG_STATE_HOME/ccproxy`: access log, request traces). */
  readonly stateDir: string;
  /** Account-pool state (`[state]`): cooldowns, affinity, in-flight counts, refresh locks; shared through Redis when configured. */
  readonly state: PoolState;
  /** The proxy's own version. */
  readonly version: string;
  /**
   * The environment the proxy was started with (`startProxy({ env })`, else `process.env`).
   * Plugins look up HOME, CLAUDE_CONFIG_DIR, CODEX_HOME and key variables here, never in
   * `process.env` directly, so an embedded or tested proxy never reads the user's real files.
   */
  readonly env: NodeJS.ProcessEnv;
}
