/**
 * Operational routes at the root: `/health` (IETF format, 200 pass/warn, 503 fail),
 * `/health/live`, `/health/ready`, and `/plugins` (what was discovered and why anything failed).
 * Health routes are exempt from client auth (see guards.ts) so monitors can probe them, which is why
 * `/health` answers a caller without the auth token with the status of each component only: the
 * details (credential paths, plan, expiry, upstream URLs, error texts) are for the token holder, or
 * for a loopback caller when no token is configured. Every answer goes through the core redactor.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { HealthCheckResult } from '../plugin.js';
import { secrets } from '../secrets.js';
import { digest, presentsToken } from '../http/guards.js';
import { aggregateHealth, type HealthDocument, type HealthTarget } from './aggregate.js';

export interface HealthRoutesOptions {
  version: string;
  timeoutMs: number;
  targets: () => HealthTarget[];
  /** True once every enabled plugin finished initializing (successfully or not). */
  ready: () => { ready: boolean; pending?: string[]; failed?: string[] };
  plugins: () => unknown;
  /** Extra checks (e.g. `task:<name>` for scheduled tasks). */
  extraChecks?: () => Record<string, HealthCheckResult[]>;
  /** `server.auth_token`: when set, only callers presenting it see the details of `/health`. */
  authToken?: string;
}

const HEALTH_JSON = 'application/health+json';
const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Who may read the details of `/health`. */
export function detailsGate(authToken: string | undefined): (request: FastifyRequest) => boolean {
  if (authToken) {
    const expected = digest(authToken);
    return (request) => presentsToken(request, expected);
  }
  return (request) => LOOPBACK_ADDRESS.test(request.socket.remoteAddress ?? '');
}

/** The document with nothing but pass/warn/fail per component. */
export function statusOnly(doc: HealthDocument): Record<string, unknown> {
  const checks: Record<string, Array<Pick<HealthCheckResult, 'status' | 'componentId'>>> = {};
  for (const [key, list] of Object.entries(doc.checks)) checks[key] = list.map((c) => ({ status: c.status, componentId: c.componentId }));
  return {
    status: doc.status,
    version: doc.version,
    serviceId: doc.serviceId,
    checks,
    notes: ['details are shown to callers presenting server.auth_token'],
  };
}

function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.send(secrets.redactJson(value));
}

export function healthRoutes(opts: HealthRoutesOptions): FastifyPluginAsync {
  const showDetails = detailsGate(opts.authToken);
  return async (app) => {
    app.get('/health', async (request, reply) => {
      const doc = await aggregateHealth(opts.targets(), { timeoutMs: opts.timeoutMs, version: opts.version, extra: opts.extraChecks });
      reply.code(doc.status === 'fail' ? 503 : 200).type(HEALTH_JSON).header('cache-control', 'no-store');
      return sendJson(reply, showDetails(request) ? doc : statusOnly(doc));
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
    app.get('/plugins', async (_request, reply) => sendJson(reply.type('application/json'), opts.plugins()));
  };
}
