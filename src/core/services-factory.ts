/**
 * Builds the CoreServices every plugin receives: one shared undici Agent (keep-alive pools, timeouts
 * from `[http]`), the logger, settings, the scheduler and the event bus. Each plugin gets its own
 * view with a child logger stamped with its name (`forPlugin`).
 */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { Settings } from './config/schema.js';
import type { CoreServices } from './services.js';
import { RequestEventBus } from './event-bus.js';
import { Scheduler } from './scheduler/scheduler.js';
import { VERSION } from './version.js';
import { createPoolState } from './pool/create-state.js';
import { cacheDirFrom, dataDirFrom, stateDirFrom } from './dirs.js';

export { cacheDirFrom, dataDirFrom, stateDirFrom } from './dirs.js';

export interface RuntimeServices extends CoreServices {
  readonly httpClient: Dispatcher;
  readonly scheduler: Scheduler;
  readonly events: RequestEventBus;
  /** The same services with `logger` = a child logger `{ plugin: name }`. */
  forPlugin(name: string): CoreServices;
  /** Close the HTTP client's pools (after plugins shut down). */
  close(): Promise<void>;
}

export interface CreateServicesOptions {
  env?: NodeJS.ProcessEnv;
  /** Override the shared dispatcher (tests). */
  httpClient?: Dispatcher;
}

/**
 * The shared dispatcher: keep-alive pools and timeouts from `[http]`. When the environment names an
 * HTTP(S) proxy, upstream calls go through it (loopback always bypasses it).
 */
export function createHttpAgent(http: Settings['http'], env: NodeJS.ProcessEnv = {}): Dispatcher {
  const opts = {
    connections: http.connections,
    connect: { timeout: http.connect_timeout * 1000 },
    headersTimeout: http.headers_timeout * 1000,
    bodyTimeout: http.body_timeout * 1000,
    keepAliveTimeout: http.keep_alive_timeout * 1000,
    keepAliveMaxTimeout: Math.max(http.keep_alive_timeout, 600) * 1000,
  };
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy;
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy;
  if (!httpProxy && !httpsProxy) return new Agent(opts);
  const noProxy = [env.NO_PROXY ?? env.no_proxy, 'localhost', '127.0.0.1', '::1'].filter(Boolean).join(',');
  return new EnvHttpProxyAgent({ ...opts, httpProxy, httpsProxy, noProxy });
}

export function createServices(settings: Settings, logger: Logger, opts: CreateServicesOptions = {}): RuntimeServices {
  const env = opts.env ?? process.env;
  const httpClient = opts.httpClient ?? createHttpAgent(settings.http, env);
  const events = new RequestEventBus(logger);
  const scheduler = new Scheduler({ logger: logger.child({ component: 'scheduler' }) });
  const cacheDir = cacheDirFrom(env);
  const dataDir = dataDirFrom(env);
  const stateDir = stateDirFrom(env);
  const state = createPoolState(settings.state, logger.child({ component: 'state' }));
  const getPluginConfig = (name: string): Record<string, unknown> => settings.plugins[name] ?? {};

  const services: RuntimeServices = {
    env,
    httpClient,
    logger,
    settings,
    getPluginConfig,
    scheduler,
    events,
    cacheDir,
    dataDir,
    stateDir,
    state,
    version: VERSION,
    forPlugin(name: string): CoreServices {
      return {
        env, httpClient, settings, getPluginConfig, scheduler, events, cacheDir, dataDir, stateDir, state, version: VERSION,
        logger: logger.child({ plugin: name }),
      };
    },
    async close(): Promise<void> {
      await Promise.all([httpClient.close().catch(() => httpClient.destroy()), state.close().catch(() => undefined)]);
    },
  };
  return services;
}
