/**
 * startProxy: settings → logger → services → plugins (discover, check config, initialize, validate)
 * → HTTP app (guards, health, plugin routes under their prefixes) → scheduled tasks → listen.
 * close() is the graceful shutdown: stop accepting, let in-flight requests and streams finish
 * (bounded by server.shutdown_timeout, then abort them), stop the scheduler, shut plugins down,
 * close the HTTP client.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import './http/fastify-types.js';
import type { DestinationStream, Logger } from 'pino';
import type { Settings } from './config/schema.js';
import { ConfigError } from './errors.js';
import { createLogger } from './logger.js';
import { registerConfiguredSecrets } from './secrets.js';
import { createServices, type RuntimeServices } from './services-factory.js';
import { createHttpApp } from './http/server.js';
import { httpContextOf } from './http/context.js';
import { healthRoutes } from './health/routes.js';
import { aggregateHealth, type HealthTarget } from './health/aggregate.js';
import { docsRoutes, shippedDocs } from './http/docs-routes.js';
import { homePage, type HomeProvider } from './http/home-page.js';
import { errorMessage, shutdownPlugins, startPlugin } from './plugin-lifecycle.js';
import { isProviderPlugin, type AnyPlugin, type HealthCheckResult } from './plugin.js';
import { VERSION } from './version.js';
import { loadSettings, originOf } from './config/load.js';
import { discoverPlugins, type DiscoverOptions, type PluginRecord } from './loader/index.js';
import { checkConfig, disabledReason, refuseDuplicates, refusePrefixConflicts, refuseUnknownPluginSettings } from './loader/policy.js';
import { PluginRegistry } from './registry.js';
import { rootRoutes } from './routing/root-routes.js';

export interface StartProxyOptions {
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  overrides?: Record<string, unknown>;
  /** Use these plugin instances instead of discovery (tests). */
  plugins?: AnyPlugin[];
  /** Where log lines go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
  /** Discovery overrides (tests): built-in plugin directory, node_modules directories to scan. */
  discovery?: Pick<DiscoverOptions, 'builtinDir' | 'nodeModulesDirs'>;
}

export interface RunningProxy {
  url: string;
  port: number;
  app: FastifyInstance;
  services: RuntimeServices;
  registry: PluginRegistry;
  settings: Settings;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Bound for each plugin's shutdown() and for closing the HTTP client. */
const SHUTDOWN_STEP_S = 5;

export async function startProxy(opts: StartProxyOptions = {}): Promise<RunningProxy> {
  const { settings } = await loadSettings({ configFile: opts.configFile, env: opts.env, cwd: opts.cwd, overrides: opts.overrides });
  if (!isLoopbackHost(settings.server.host) && !settings.server.auth_token) {
    throw new ConfigError(
      `Refusing to listen on ${settings.server.host} without server.auth_token: anyone on the network could use your credentials. ` +
      'Set server.auth_token (SERVER__AUTH_TOKEN) or bind 127.0.0.1.',
    );
  }
  // Keys and tokens in the configuration are secrets the proxy holds from the start.
  registerConfiguredSecrets(settings);
  const logger = createLogger(settings, { destination: opts.logDestination });
  const services = createServices(settings, logger, { env: opts.env });

  try {
    // A shared state backend connects first (bounded): instances then agree from their first request.
    await services.state.ready?.();
    const records = opts.plugins ? inlineRecords(opts.plugins, settings, logger) : await discoverPlugins(settings, { cwd: opts.cwd, logger, ...opts.discovery });
    return await assemble(settings, logger, services, records);
  } catch (err) {
    await services.scheduler.stop(1000);
    await services.close();
    throw err;
  }
}

async function assemble(settings: Settings, logger: Logger, services: RuntimeServices, records: PluginRecord[]): Promise<RunningProxy> {
  const registry = new PluginRegistry(records);
  let started = false;
  const candidates = records.filter((r) => r.state === 'discovered' && r.plugin).map((r) => r.plugin as AnyPlugin);
  checkPrefixes(candidates);

  // Initialize all plugins at once; each bounded, failures isolated.
  await Promise.all(candidates.map(async (plugin) => {
    const reason = await startPlugin(plugin, services.forPlugin(plugin.name), settings.plugin_init_timeout);
    if (reason) {
      registry.markFailed(plugin.name, reason);
      logger.error({ plugin: plugin.name, reason }, 'plugin failed to start');
    }
  }));
  const active = candidates.filter((p) => registry.get(p.name)?.state !== 'failed');

  const app = createHttpApp({ settings, logger, events: services.events });
  app.register(healthRoutes({
    version: VERSION,
    timeoutMs: settings.health_timeout * 1000,
    targets: () => healthTargets(registry),
    ready: () => readiness(registry, started),
    plugins: () => pluginsDocument(registry, services),
    extraChecks: () => taskChecks(services),
    authToken: settings.server.auth_token,
  }));

  const routesOf = new Map<string, string[]>();
  for (const plugin of active) {
    const list: string[] = [];
    routesOf.set(plugin.name, list);
    const routes = safeGetRoutes(plugin, registry, logger, () => plugin.getRoutes());
    if (registry.get(plugin.name)?.state === 'failed') continue;
    if (routes) app.register(mountPluginRoutes(plugin.name, routes, list, registry, logger), { prefix: plugin.routerPrefix ?? '' });
    const rootRoutes = plugin.getRootRoutes && safeGetRoutes(plugin, registry, logger, () => plugin.getRootRoutes?.() ?? null);
    if (rootRoutes) app.register(mountPluginRoutes(plugin.name, rootRoutes, list, registry, logger));
  }
  // ---- root routes by model: /v1/* at the root, validated [routing] (src/core/routing, issue 7) ----
  app.register(rootRoutes({ routing: settings.routing, plugins: active, registry, logger }));
  // ---- end root routes ----
  const docs = shippedDocs();
  app.register(docsRoutes(docs));
  app.register(homePage({
    version: VERSION,
    health: () => aggregateHealth(healthTargets(registry), { timeoutMs: settings.health_timeout * 1000, version: VERSION, extra: () => taskChecks(services) }),
    providers: () => homeProviders(registry),
    inactive: () => registry.all().filter((r) => r.state === 'failed' || r.state === 'disabled').map((r) => ({ name: r.name, state: r.state, ...(r.reason ? { reason: r.reason } : {}) })),
    pluginLinks: () => registry.pageLinks(),
    docs: [...docs.keys()],
  }));

  try {
    await app.ready();
    for (const plugin of active) {
      if (registry.get(plugin.name)?.state === 'failed') continue;
      registry.markActive(plugin.name, routesOf.get(plugin.name) ?? []);
      registerTasks(plugin, services, registry, logger);
    }
    await app.listen({ host: settings.server.host, port: settings.server.port });
  } catch (err) {
    await app.close().catch(() => undefined);
    await shutdownPlugins(candidates, SHUTDOWN_STEP_S, logger);
    const code = (err as { code?: string }).code;
    if (code === 'FST_ERR_DUPLICATED_ROUTE' && !(err instanceof ConfigError)) throw new ConfigError(`Route conflict between plugins: ${errorMessage(err)}`, { cause: err });
    if (code === 'EADDRINUSE' || code === 'EACCES') throw listenError(code, settings, err);
    throw err;
  }
  const port = (app.server.address() as { port: number }).port;
  started = true;
  const hostForUrl = settings.server.host.includes(':') ? `[${settings.server.host}]` : settings.server.host;
  const url = `http://${hostForUrl}:${port}`;
  logger.info({ url, plugins: registry.active().map((r) => r.name) }, 'ccproxy listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= shutdown(app, services, candidates, settings, logger);
    return closing;
  };
  return { url, port, app, services, registry, settings, close };
}

/** Why the port cannot be had, and the three ways to choose another (flag, env, config file). */
function listenError(code: 'EADDRINUSE' | 'EACCES', settings: Settings, cause: unknown): ConfigError {
  const { host, port } = settings.server;
  const why = code === 'EADDRINUSE'
    ? `Port ${port} on ${host} is already in use (by another ccproxy? \`ccproxy status\` tells)`
    : `Not allowed to listen on port ${port} on ${host}${port < 1024 ? ' (ports below 1024 need privileges)' : ''}`;
  return new ConfigError(`${why}. Choose another port with --port, SERVER__PORT or [server] port in the config file`, { cause });
}

/**
 * Records for plugin instances handed in directly (tests), run through the loader's own policy:
 * duplicate names, allow/deny lists, `enabled = false`, the config schema, prefix conflicts.
 */
function inlineRecords(plugins: AnyPlugin[], settings: Settings, logger: Logger): PluginRecord[] {
  const records: PluginRecord[] = plugins.map((plugin) => ({
    name: plugin.name, version: plugin.version, source: 'directory', location: '<inline>', plugin, state: 'discovered',
  }));
  refuseDuplicates(records);
  const origin = originOf(settings);
  refuseUnknownPluginSettings(records, settings, origin, logger);
  for (const record of records) {
    const disabled = disabledReason(record.name, settings);
    if (disabled) Object.assign(record, { state: 'disabled', reason: disabled });
    else checkConfig(record, settings, origin);
  }
  refusePrefixConflicts(records);
  return records;
}

function checkPrefixes(plugins: AnyPlugin[]): void {
  const owners = new Map<string, string>();
  for (const p of plugins) {
    const prefix = p.routerPrefix;
    if (prefix === undefined) continue;
    if (!prefix.startsWith('/') || prefix.endsWith('/')) {
      throw new ConfigError(`Plugin "${p.name}" has routerPrefix "${prefix}": it must start with "/" and not end with "/"`);
    }
    const other = owners.get(prefix);
    if (other) throw new ConfigError(`Plugins "${other}" and "${p.name}" both use routerPrefix "${prefix}"`);
    owners.set(prefix, p.name);
  }
}

function safeGetRoutes(plugin: AnyPlugin, registry: PluginRegistry, logger: Logger, get: () => FastifyPluginAsync | null): FastifyPluginAsync | null {
  try {
    return get();
  } catch (err) {
    registry.markFailed(plugin.name, `routes failed: ${errorMessage(err)}`);
    logger.error({ plugin: plugin.name, err }, 'plugin routes failed');
    return null;
  }
}

/** Encapsulated context for one plugin: stamps its routes with the plugin name and records them. */
function mountPluginRoutes(name: string, routes: FastifyPluginAsync, list: string[], registry: PluginRegistry, logger: Logger): FastifyPluginAsync {
  return async (child) => {
    child.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), plugin: (route.config as { plugin?: string } | undefined)?.plugin ?? name, tags: [`plugin-${name}`] };
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const m of methods) if (m !== 'HEAD') list.push(`${m} ${route.url}`);
    });
    try {
      await routes(child, {});
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_ERR_DUPLICATED_ROUTE') {
        throw new ConfigError(`Route conflict: plugin "${name}" registers a route another plugin already has (${errorMessage(err)})`, { cause: err });
      }
      registry.markFailed(name, `route registration failed: ${errorMessage(err)}`);
      logger.error({ plugin: name, err }, 'plugin route registration failed');
    }
  };
}

function registerTasks(plugin: AnyPlugin, services: RuntimeServices, registry: PluginRegistry, logger: Logger): void {
  try {
    for (const task of plugin.getScheduledTasks()) services.scheduler.register(task, plugin.name);
  } catch (err) {
    logger.error({ plugin: plugin.name, err }, 'plugin scheduled tasks failed to register');
    registry.markFailed(plugin.name, `scheduled tasks: ${errorMessage(err)}`);
  }
}

function healthTargets(registry: PluginRegistry): HealthTarget[] {
  const out: HealthTarget[] = [];
  for (const r of registry.all()) {
    if (r.state === 'active' && r.plugin) {
      const plugin = r.plugin;
      out.push({ name: r.name, check: () => plugin.healthCheck() });
    } else if (r.state === 'failed') {
      out.push({ name: r.name, failure: r.reason ?? 'failed' });
    }
  }
  return out;
}

/** Running providers for the `GET /` page: name, prefix and the APIs their adapter serves. */
function homeProviders(registry: PluginRegistry): HomeProvider[] {
  return registry.providers().flatMap((r) => {
    const plugin = r.plugin;
    if (!plugin || !isProviderPlugin(plugin)) return [];
    let apis: HomeProvider['apis'] = [];
    try {
      apis = plugin.createAdapter().apis;
    } catch {
      // An adapter that cannot be built serves nothing; the page still lists the prefix.
    }
    return [{ name: plugin.name, prefix: plugin.routerPrefix, apis }];
  });
}

function readiness(registry: PluginRegistry, started: boolean): { ready: boolean; failed: string[] } {
  const failed = registry.all().filter((r) => r.state === 'failed').map((r) => r.name);
  return { ready: started && failed.length === 0, failed };
}

/** One `task:<name>` check per scheduled task: `warn` while it keeps failing (it retries with backoff). */
function taskChecks(services: RuntimeServices): Record<string, HealthCheckResult[]> {
  const out: Record<string, HealthCheckResult[]> = {};
  for (const t of services.scheduler.states()) {
    out[`task:${t.name}`] = [{
      status: t.consecutiveFailures > 0 ? 'warn' : 'pass',
      componentId: t.name,
      componentType: 'task',
      ...(t.lastError ? { output: t.lastError } : {}),
      ...(t.lastRun ? { time: t.lastRun } : {}),
      details: { owner: t.owner, consecutiveFailures: t.consecutiveFailures, lastSuccess: t.lastSuccess, nextRun: t.nextRun },
    }];
  }
  // Account-pool state: only worth a line when it is shared (memory is always fine).
  if (services.settings.state.backend !== 'memory') {
    const h = services.state.health();
    out.state = [{ status: h.status, componentId: 'state', componentType: 'datastore', output: h.output }];
  }
  return out;
}

function pluginsDocument(registry: PluginRegistry, services: RuntimeServices): unknown {
  return { plugins: registry.toJSON((name) => services.scheduler.states(name)) };
}

async function shutdown(app: FastifyInstance, services: RuntimeServices, plugins: AnyPlugin[], settings: Settings, logger: Logger): Promise<void> {
  const inflight = httpContextOf(app).inflight;
  logger.info({ inflight: inflight.size }, 'shutting down');
  inflight.startClosing();
  const closed = app.close();
  const drained = await inflight.waitIdle(settings.server.shutdown_timeout * 1000);
  if (!drained) {
    logger.warn({ inflight: inflight.size }, 'shutdown timeout: aborting in-flight requests');
    inflight.abortAll('server shutting down');
  }
  // Responses have ended; close whatever keep-alive sockets remain so close() resolves.
  app.server.closeIdleConnections();
  const forced = setTimeout(() => app.server.closeAllConnections(), 2000);
  forced.unref();
  await closed.catch((err: unknown) => logger.warn({ error: errorMessage(err) }, 'http close failed'));
  clearTimeout(forced);
  await services.scheduler.stop(SHUTDOWN_STEP_S * 1000);
  // Every plugin that was initialized (even if it then failed) may hold resources: shut all down.
  await shutdownPlugins(plugins, SHUTDOWN_STEP_S, logger);
  await Promise.race([services.close(), new Promise((r) => setTimeout(r, SHUTDOWN_STEP_S * 1000).unref())]);
  logger.info('stopped');
}

/**
 * SIGINT/SIGTERM → graceful close, then exit 0 (1 if shutdown itself failed). A second signal ends
 * the process at once by that signal's default action: `process.exit()` is not enough, it waits for
 * the thread pool at exit, and a thread stuck in a blocking call (a FIFO open, a hung network file
 * system) would keep the process alive for good.
 */
export function installSignalHandlers(proxy: Pick<RunningProxy, 'close'>, logger?: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // With no listener left Node restores the default disposition; re-raising then terminates.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    stopping = true;
    logger?.info({ signal }, 'signal received (send it again to stop at once)');
    const exit = (code: number) => (): void => {
      // The log destination is asynchronous: flush the last lines before exiting.
      if (logger) logger.flush(() => process.exit(code));
      else process.exit(code);
    };
    proxy.close().then(exit(0), exit(1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
