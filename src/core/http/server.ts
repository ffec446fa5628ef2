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
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request access logs cost latency on every call; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify makes a child logger per request; with redaction configured that costs ~4 % of CPU
    // per request. Core code logs with an explicit reqId instead, so request.log is the root logger.
    childLoggerFactory: (parent) => parent,
    bodyLimit: settings.server.body_limit,
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    // Forgiving about base URLs configured with a trailing slash (`.../claude/` + `/v1/messages`).
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // During shutdown the guard answers 503 in the client's API format instead (see guards.ts).
    return503OnClosing: false,
    clientErrorHandler,
  });
  const inflight = new InflightRequests();
  decorateHttpContext(app, { events: opts.events, logger, inflight });
  installJsonParser(app, { maxDepth: settings.server.max_json_depth });
  installErrorHandlers(app, logger);
  installGuards(app, guardOptionsFrom(settings), () => inflight.isClosing);
  return app;
}
