/**
 * Operational routes at the root: `/health` (IETF format, 200 pass/warn, 503 fail),
 * `/health/live`, `/health/ready`, and `/plugins` (what was discovered and why anything failed).
 * Health routes are exempt from client auth (see guards.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { HealthCheckResult } from '../plugin.js';
import { aggregateHealth, type HealthTarget } from './aggregate.js';

export interface HealthRoutesOptions {
  version: string;
  timeoutMs: number;
  targets: () => HealthTarget[];
  /** True once every enabled plugin finished initializing (successfully or not). */
  ready: () => { ready: boolean; pending?: string[]; failed?: string[] };
  plugins: () => unknown;
  /** Extra checks (e.g. `task:<name>` for scheduled tasks). */
  extraChecks?: () => Record<string, HealthCheckResult[]>;
}

const HEALTH_JSON = 'application/health+json';

export function healthRoutes(opts: HealthRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', async (_request, reply) => {
      const doc = await aggregateHealth(opts.targets(), { timeoutMs: opts.timeoutMs, version: opts.version, extra: opts.extraChecks });
      reply.code(doc.status === 'fail' ? 503 : 200).type(HEALTH_JSON).header('cache-control', 'no-store');
      return doc;
    });
    app.get('/health/live', async (_request, reply) => {
      reply.type(HEALTH_JSON);
      return { status: 'pass', version: opts.version, serviceId: 'ccproxy' };
    });
    app.get('/health/ready', async (_request, reply) => {
      const r = opts.ready();
      reply.code(r.ready ? 200 : 503).type(HEALTH_JSON);
      return { status: r.ready ? 'pass' : 'fail', version: opts.version, serviceId: 'ccproxy', ...(r.pending?.length ? { pending: r.pending } : {}), ...(r.failed?.length ? { failed: r.failed } : {}) };
    });
    app.get('/plugins', async () => opts.plugins());
  };
}
