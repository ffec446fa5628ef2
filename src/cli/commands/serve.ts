/** `ccproxy serve`: start the proxy, print what to do next, stop cleanly on SIGINT/SIGTERM. */
import { renderBanner } from '../banner.js';

export interface ServeOptions {
  config?: string;
  host?: string;
  port?: number;
  logLevel?: string;
  /** Set by `ccproxy start`: where this process records itself once it listens. */
  pidFile?: string;
}

/** CLI flags as a settings overrides object (only those given). */
export function flagOverrides(opts: ServeOptions): Record<string, unknown> {
  const server: Record<string, unknown> = {};
  if (opts.host !== undefined) server.host = opts.host;
  if (opts.port !== undefined) server.port = opts.port;
  const out: Record<string, unknown> = {};
  if (Object.keys(server).length) out.server = server;
  if (opts.logLevel !== undefined) out.logging = { level: opts.logLevel };
  return out;
}

export async function serve(opts: ServeOptions): Promise<void> {
  const [{ startProxy, installSignalHandlers }, { VERSION }] = await Promise.all([
    import('../../core/runtime.js'),
    import('../../core/version.js'),
  ]);
  const proxy = await startProxy({ configFile: opts.config, overrides: flagOverrides(opts) });
  installSignalHandlers(proxy, proxy.services.logger);
  if (opts.pidFile) {
    const { recordThisProcess } = await import('../service/pid-file.js');
    await recordThisProcess(opts.pidFile, proxy.url);
  }
  process.stdout.write(renderBanner({
    url: proxy.url,
    version: VERSION,
    records: proxy.registry.all(),
    authRequired: Boolean(proxy.settings.server.auth_token),
  }));
}
