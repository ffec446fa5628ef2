/** The running proxy a CLI command talks to: `--url`, else the configured host and port, with its auth token. */
import type { Settings } from '../core/config/schema.js';
import { UsageError } from './errors.js';

export interface ProxyTarget {
  base: string;
  headers: Record<string, string>;
}

export function proxyTarget(settings: Settings, url: string | undefined, userAgent: string): ProxyTarget {
  let base: string;
  if (url) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--url must be an http(s) URL, got ${url}`);
    base = url.replace(/\/+$/, '');
  } else {
    // A proxy bound to every interface is reachable on loopback.
    const host = settings.server.host === '0.0.0.0' ? '127.0.0.1' : settings.server.host === '::' ? '::1' : settings.server.host;
    base = `http://${host.includes(':') ? `[${host}]` : host}:${settings.server.port}`;
  }
  const headers: Record<string, string> = { 'user-agent': userAgent };
  if (settings.server.auth_token) headers.authorization = `Bearer ${settings.server.auth_token}`;
  return { base, headers };
}
