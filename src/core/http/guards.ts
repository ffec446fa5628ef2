/**
 * Request guards for a server every local web page can reach: one onRequest hook doing, in order,
 * request id echo, Host allow-list (DNS rebinding), Origin check + CORS (cross-site requests and
 * preflights), and optional client auth. Refusals are rendered in the route's API format and never
 * reach a route. Written as one callback hook with precomputed sets: it runs on every request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Settings } from '../config/schema.js';
import { AuthError, ProxyError } from '../errors.js';
import { sendProxyError } from './error-handler.js';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]', '::1'];
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

function isLoopbackOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.includes(u.hostname.toLowerCase());
  } catch {
    return false;
  }
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
  const corsOrigins = new Set(opts.corsOrigins.map((o) => o.replace(/\/$/, '')));
  const corsAny = corsOrigins.has('*');
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

    const hostHeader = request.headers.host;
    if (!anyHost && (!hostHeader || !hosts.has(hostName(hostHeader)))) {
      return refuse(request, reply, new ProxyError('permission', 'Host not allowed', { code: 'CCPROXY_ERR_HOST' }));
    }

    const origin = request.headers.origin;
    if (origin !== undefined) {
      const corsAllowed = corsAny || corsOrigins.has(origin);
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
      if (!corsAllowed && !isLoopbackOrigin(origin)) {
        return refuse(request, reply, new ProxyError('permission', 'Origin not allowed', { code: 'CCPROXY_ERR_ORIGIN' }));
      }
      if (corsAllowed) {
        reply.header('access-control-allow-origin', origin).header('vary', 'Origin').header('access-control-expose-headers', 'x-request-id, retry-after, request-id');
      }
    }

    // Exempt by matched route, not URL prefix, so no crafted path can borrow the exemption.
    if (tokenDigest && !PUBLIC_ROUTES.has(request.routeOptions.url ?? '') && !presentsToken(request, tokenDigest)) {
      return refuse(request, reply, new AuthError('Missing or invalid proxy auth token (Authorization: Bearer <token> or x-api-key)'));
    }
    done();
  });
}
