/**
 * Request guards for a server every local web page can reach: one onRequest hook doing, in order,
 * request id echo, strict Host allow-list (DNS rebinding), Origin allow-list + CORS (any request a
 * browser sends, preflights included), and optional client auth. Refusals are rendered in the
 * route's API format and never reach a route. Written as one callback hook with precomputed sets:
 * it runs on every request. docs/security.md says what each guard refuses and why.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Settings } from '../config/schema.js';
import { AuthError, ProxyError } from '../errors.js';
import { sendProxyError } from './error-handler.js';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];
/** Routes reachable without the client auth token (liveness probes, monitoring). */
const PUBLIC_ROUTES = new Set(['/health', '/health/live', '/health/ready']);

export interface GuardOptions {
  host: string;
  allowedHosts: string[];
  corsOrigins: string[];
  authToken?: string;
}

export function guardOptionsFrom(settings: Settings): GuardOptions {
  return {
    host: settings.server.host,
    allowedHosts: settings.server.allowed_hosts,
    corsOrigins: settings.server.cors_origins,
    authToken: settings.server.auth_token,
  };
}

/** `host[:port]` → lower-case name without port; IPv6 keeps its brackets. */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/**
 * A Host header that is exactly a name (DNS name, IPv4, or bracketed IPv6) and an optional numeric
 * port: nothing a lenient parser could read another host out of (`localhost:1@evil.com`,
 * `127.0.0.1:1, evil.com`, userinfo, paths, spaces).
 */
const HOST_SYNTAX = /^(?:\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::[0-9]{1,5})?$/i;

/** The request's Host name when its Host header is well-formed and the only one; else undefined. */
export function strictHostName(host: string | undefined, rawHeaders: readonly string[]): string | undefined {
  if (!host || !HOST_SYNTAX.test(host)) return undefined;
  // Node keeps only the first of several Host headers: a second one must be refused, not ignored.
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++count > 1) return undefined;
  }
  return hostName(host);
}

/** Origins compare as the browser sends them: lower-case scheme and host, no trailing slash. */
function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/$/, '').toLowerCase();
}

export function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time token check: compare equal-length digests so neither content nor length leaks. */
export function tokenMatches(presented: string | undefined, expectedDigest: Buffer): boolean {
  if (!presented) return false;
  return timingSafeEqual(digest(presented), expectedDigest);
}

/** Does the request carry the proxy's auth token (`Authorization: Bearer` or `x-api-key`)? */
export function presentsToken(request: FastifyRequest, expectedDigest: Buffer): boolean {
  const auth = request.headers.authorization;
  const bearer = auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ' ? auth.slice(7).trim() : undefined;
  const apiKey = request.headers['x-api-key'];
  return tokenMatches(bearer, expectedDigest) || tokenMatches(typeof apiKey === 'string' ? apiKey : undefined, expectedDigest);
}

export function installGuards(app: FastifyInstance, opts: GuardOptions, isClosing: () => boolean = () => false): void {
  const hosts = new Set<string>(LOOPBACK_HOSTS);
  for (const h of [opts.host, ...opts.allowedHosts]) {
    const name = hostName(h.includes(':') && !h.startsWith('[') && h.split(':').length > 2 ? `[${h}]` : h);
    hosts.add(name);
  }
  // Binding 0.0.0.0 / :: means "any interface": the operator chose exposure, the token protects it.
  const anyHost = opts.host === '0.0.0.0' || opts.host === '::' || opts.allowedHosts.includes('*');
  const corsOrigins = new Set(opts.corsOrigins.map(normalizeOrigin));
  const corsAny = corsOrigins.has('*');
  // An opaque origin (sandboxed frame, file:// page, some redirects) could be any page: never trusted.
  corsOrigins.delete('null');
  const tokenDigest = opts.authToken ? digest(opts.authToken) : undefined;

  const refuse = (request: FastifyRequest, reply: FastifyReply, err: ProxyError): void => {
    void sendProxyError(request, reply, err);
  };

  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reply.header('x-request-id', request.id);
    if (isClosing()) {
      reply.header('connection', 'close');
      return refuse(request, reply, new ProxyError('overloaded', 'Server is shutting down', { status: 503, code: 'CCPROXY_ERR_SHUTTING_DOWN' }));
    }

    const host = strictHostName(request.headers.host, request.raw.rawHeaders);
    if (host === undefined || (!anyHost && !hosts.has(host))) {
      return refuse(request, reply, new ProxyError('permission', 'Host not allowed', { code: 'CCPROXY_ERR_HOST' }));
    }

    // CLIs and SDKs send no Origin; a browser always does. Every page of every local dev server is
    // a web page too, so loopback origins get no exemption: only `server.cors_origins` pass.
    const origin = request.headers.origin;
    if (origin !== undefined) {
      const normalized = normalizeOrigin(origin);
      const corsAllowed = normalized !== 'null' && (corsAny || corsOrigins.has(normalized));
      if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
        if (!corsAllowed) {
          return refuse(request, reply, new ProxyError('permission', 'Origin not allowed', { code: 'CCPROXY_ERR_ORIGIN' }));
        }
        reply
          .code(204)
          .header('access-control-allow-origin', origin)
          .header('vary', 'Origin')
          .header('access-control-allow-methods', 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'content-type, authorization, x-api-key')
          .header('access-control-max-age', '600')
          .send();
        return;
      }
      if (!corsAllowed) {
        return refuse(request, reply, new ProxyError('permission', 'Origin not allowed', { code: 'CCPROXY_ERR_ORIGIN' }));
      }
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin').header('access-control-expose-headers', 'x-request-id, retry-after, request-id');
    }

    // Exempt by matched route, not URL prefix, so no crafted path can borrow the exemption.
    if (tokenDigest && !PUBLIC_ROUTES.has(request.routeOptions.url ?? '') && !presentsToken(request, tokenDigest)) {
      return refuse(request, reply, new AuthError('Missing or invalid proxy auth token (Authorization: Bearer <token> or x-api-key)'));
    }
    done();
  });
}
