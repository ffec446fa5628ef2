/**
 * What the core's HTTP layer shares with every route: the event bus, the logger and the in-flight
 * request set. Decorated on the root Fastify instance, so encapsulated plugin contexts see it too.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { EventBus } from '../events.js';
import { InflightRequests } from './inflight.js';

export interface HttpContext {
  events?: EventBus;
  logger?: Logger;
  inflight: InflightRequests;
}

const fallback: HttpContext = { inflight: new InflightRequests() };

export function decorateHttpContext(app: FastifyInstance, ctx: HttpContext): void {
  app.decorate('ccproxyHttp', ctx);
}

/** The core context, or a shared no-event fallback when routes are mounted on a bare app (tests). */
export function httpContextOf(app: FastifyInstance): HttpContext {
  return app.ccproxyHttp ?? fallback;
}
