/**
 * The one place errors become HTTP responses: ProxyErrors in the route's API format, Fastify's own
 * 4xx errors (body too large, bad media type...) mapped to the matching kind, anything else a
 * generic 500 that leaks nothing (the cause is logged). Also the 404 / wrong-method handler.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Logger } from 'pino';
import type { ApiFormat } from '../adapter.js';
import { ProxyError, UpstreamError, kindForStatus, renderError, toProxyError } from '../errors.js';
import { apiOf, inferApi } from './api-format.js';
import './fastify-types.js';

export function sendProxyError(request: FastifyRequest, reply: FastifyReply, err: ProxyError): FastifyReply {
  const api = apiOf(request);
  if (err.headers) for (const k in err.headers) reply.header(k, err.headers[k]);
  if (err.retryAfter !== undefined) reply.header('retry-after', String(err.retryAfter));
  return reply.code(statusIn(api, err)).type('application/json').send(renderError(api, err, request.id));
}

/** An upstream's overload is 529 in Anthropic's API and 503 in OpenAI's (which has no 529), whichever the upstream said. */
function statusIn(api: ApiFormat, err: ProxyError): number {
  if (err instanceof UpstreamError && err.kind === 'overloaded') return api === 'anthropic' ? 529 : 503;
  return err.status;
}

/** Translate anything thrown in the request path into a ProxyError. */
export function normalizeError(err: unknown, plugin?: string): ProxyError {
  if (err instanceof ProxyError) return toProxyError(err, plugin);
  const fe = err as Partial<FastifyError> | undefined;
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return new ProxyError('request_too_large', 'Request body is too large', { status: 413, code: 'CCPROXY_ERR_BODY_TOO_LARGE' });
  }
  if (status >= 400 && status < 500 && typeof fe?.message === 'string') {
    // Fastify's own client errors (bad media type, empty body, header limits): safe messages.
    return new ProxyError(kindForStatus(status), fe.message, { status, code: 'CCPROXY_ERR_REQUEST' });
  }
  return toProxyError(err, plugin);
}

export function installErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err, request, reply) => {
    const plugin = request.routeOptions?.config?.plugin;
    const proxyErr = normalizeError(err, plugin);
    if (!(err instanceof ProxyError) && proxyErr.status >= 500) {
      // Unknown failure: the client sees "Internal proxy error", the log keeps the cause.
      logger.error({ err, reqId: request.id, plugin, url: request.url }, 'request failed');
    } else if (proxyErr.status >= 500) {
      logger.warn({ reqId: request.id, plugin, status: proxyErr.status, code: proxyErr.code, error: proxyErr.message }, 'request failed');
    } else {
      logger.debug({ reqId: request.id, plugin, status: proxyErr.status, code: proxyErr.code, error: proxyErr.message }, 'request error');
    }
    if (reply.sent || reply.raw.headersSent) return;
    return sendProxyError(request, reply, proxyErr);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = allowedMethods(app, path, request.method);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProxyError(request, reply, new ProxyError('invalid_request', `Method ${request.method} is not allowed on ${path}`, {
        status: 405, code: 'CCPROXY_ERR_METHOD_NOT_ALLOWED',
      }));
    }
    return sendProxyError(request, reply, new ProxyError('not_found', `No route for ${request.method} ${path}`, { code: 'CCPROXY_ERR_NOT_FOUND' }));
  });
}

const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

function allowedMethods(app: FastifyInstance, url: string, method: string): string[] {
  const out: string[] = [];
  for (const m of METHODS) {
    if (m !== method && app.findRoute({ method: m, url })) out.push(m);
  }
  return out;
}

export { inferApi };
