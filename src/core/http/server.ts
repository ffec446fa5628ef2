/**
 * Builds the root Fastify app with everything every route relies on: request ids, the lazy JSON body
 * parser, the guards (Host, Origin/CORS, client auth), the central error and 404 handlers, and the
 * shared HTTP context. Plugin route trees are registered on it afterwards, so they inherit all of it.
 *
 * Plugin tests can use it too: `const app = createHttpApp(); app.register(providerRoutes(...), {prefix})`.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import pino from 'pino';
import { SettingsSchema, type Settings } from '../config/schema.js';
import type { EventBus } from '../events.js';
import { installJsonParser } from './body-parser.js';
import { clientErrorHandler } from './client-errors.js';
import { decorateHttpContext } from './context.js';
import { installErrorHandlers } from './error-handler.js';
import { guardOptionsFrom, installGuards } from './guards.js';
import { InflightRequests } from './inflight.js';
import { requestIdFrom } from './request-id.js';
import './fastify-types.js';

export interface HttpAppOptions {
  settings?: Settings;
  logger?: Logger;
  events?: EventBus;
}

export function createHttpApp(opts: HttpAppOptions = {}): FastifyInstance {
  const settings = opts.settings ?? SettingsSchema.parse({});
  const logger = opts.logger ?? pino({ level: 'silent' });
  const limits = clientLimits(settings);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request access logs cost latency on every call; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify makes a child logger per request; with redaction configured that costs ~4 % of CPU
    // per request. Core code logs with an explicit reqId instead, so request.log is the root logger.
    childLoggerFactory: (parent) => parent,
    bodyLimit: settings.server.body_limit,
    // Bound how long a client may take to send its request, so a slow or idle one cannot hold a
    // connection forever. Node's requestTimeout ends when the request is received: a long
    // response stream is not limited by it.
    requestTimeout: limits.requestTimeout,
    http: { headersTimeout: limits.headersTimeout, connectionsCheckingInterval: limits.checkInterval },
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    // Forgiving about base URLs configured with a trailing slash (`.../claude/` + `/v1/messages`).
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // During shutdown the guard answers 503 in the client's API format instead (see guards.ts).
    return503OnClosing: false,
    clientErrorHandler,
  });
  app.server.maxConnections = settings.server.max_connections;
  const inflight = new InflightRequests();
  decorateHttpContext(app, { events: opts.events, logger, inflight });
  installJsonParser(app, { maxDepth: settings.server.max_json_depth });
  installErrorHandlers(app, logger);
  installGuards(app, guardOptionsFrom(settings), () => inflight.isClosing);
  return app;
}

/**
 * Node's request timeouts in ms. Headers come first, so their bound is at most the request's (Node
 * refuses a larger one); expired connections are found by a periodic sweep, run often enough that
 * a connection outlives its bound by at most half of it (Node's default sweep is every 30 s).
 */
function clientLimits(settings: Settings): { headersTimeout: number; requestTimeout: number; checkInterval: number } {
  const requestTimeout = Math.round(settings.server.request_timeout * 1000);
  const headersTimeout = Math.min(Math.round(settings.server.headers_timeout * 1000), requestTimeout);
  return { headersTimeout, requestTimeout, checkInterval: Math.max(100, Math.min(30_000, Math.round(headersTimeout / 2))) };
}
