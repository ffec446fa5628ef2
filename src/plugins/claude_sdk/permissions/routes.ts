/**
 * The permissions API, at the root (not under `/claude/sdk`: a person approving tool calls does not
 * care which provider's agent asks):
 *   GET  /permissions          pending approvals, oldest first
 *   GET  /permissions/stream   SSE: the pending ones as `new`, then `new`, `decided`, `expired` as they happen
 *   POST /permissions/{id}     {"decision": "allow"|"deny", "message"?: "…", "remember"?: "session"|"none"}
 * Behind `server.auth_token` like every route (the core guard), and never reachable from a web page
 * of another origin, even one `server.cors_origins` lets call the model APIs.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { JsonBody, ProxyError, ValidationError, invalidField, jsonTypeOf, openEventStream, refuseCrossOrigin, serializeSse } from '../../../plugin.js';
import type { BrokerEvent, PendingPermission, PermissionBroker } from './broker.js';

const DecisionBody = z.strictObject({
  decision: z.enum(['allow', 'deny']),
  message: z.string().max(4000).optional(),
  remember: z.enum(['session', 'none']).default('none'),
});

const iso = (ms: number): string => new Date(ms).toISOString();

/** A pending approval as the API shows it. */
export function pendingJson(plugin: string, p: PendingPermission): Record<string, unknown> {
  const a = p.ask;
  return {
    id: p.id,
    created_at: iso(p.createdAt),
    expires_at: iso(p.expiresAt),
    plugin,
    request_id: a.requestId,
    session_id: a.sessionId ?? null,
    client: { api: a.api, user_agent: a.userAgent ?? null },
    tool: a.tool,
    summary: a.summary,
    input: a.input,
    session_rule: a.sessionRule,
    ...(a.title ? { title: a.title } : {}),
    ...(a.description ? { description: a.description } : {}),
    ...(a.reason ? { reason: a.reason } : {}),
  };
}

function eventJson(plugin: string, e: BrokerEvent): Record<string, unknown> {
  switch (e.type) {
    case 'new':
      return pendingJson(plugin, e.pending);
    case 'decided': {
      const d = e.decision;
      return { id: e.id, decision: d.decision, remember: d.remember, decider: d.decider, ...(d.message ? { message: d.message } : {}), decided_at: iso(e.at) };
    }
    case 'expired':
      return { id: e.id, reason: e.reason, expired_at: iso(e.at) };
  }
}

export function permissionRoutes(broker: PermissionBroker, plugin: string): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', refuseCrossOrigin);
    const streams = new Set<ServerResponse>();
    // Once the server closes nobody can decide any more: deny what waits, so in-flight runs finish.
    app.addHook('preClose', async () => {
      broker.close();
      for (const raw of streams) raw.end();
    });

    app.get('/permissions', async () => ({ pending: broker.list().map((p) => pendingJson(plugin, p)) }));

    // No HEAD twin: a stream has no end for a HEAD request to wait for.
    app.get('/permissions/stream', { exposeHeadRoute: false }, (request, reply) => {
      // Connected at once, even with nothing pending; then what waits, then what changes.
      const raw = openEventStream(reply, {
        onClose: () => {
          unwatch();
          streams.delete(raw);
        },
      });
      const send = (event: BrokerEvent['type'], data: Record<string, unknown>): void => {
        raw.write(serializeSse({ event, data: JSON.stringify(data) }));
      };
      for (const p of broker.list()) send('new', pendingJson(plugin, p));
      const unwatch = broker.watch((e) => send(e.type, eventJson(plugin, e)));
      streams.add(raw);
    });

    app.post('/permissions/:id', async (request) => {
      // Every JSON body reaches a route as a lazy JsonBody; no body at all stays undefined (a 400 below).
      const body = request.body instanceof JsonBody ? request.body.value() : request.body;
      const parsed = DecisionBody.safeParse(body);
      if (!parsed.success) throw bodyError(parsed.error.issues[0], body);
      const { id } = request.params as { id: string };
      const ua = request.headers['user-agent'];
      const decider = `${typeof ua === 'string' && ua ? ua.slice(0, 200) : 'unknown client'} from ${request.ip}`;
      const decided = broker.decide(id, { ...parsed.data, decider });
      if (!decided) {
        throw new ProxyError('not_found', 'No pending permission request with this id: it was decided, expired or never existed', { code: 'CCPROXY_ERR_PERMISSION_NOT_FOUND' });
      }
      return { id: decided.id, decision: parsed.data.decision, remember: parsed.data.remember };
    });
  };
}

/** The 400 for a decision body: names the field (or the unknown key) that is wrong. */
function bodyError(issue: z.core.$ZodIssue | undefined, body: unknown): ProxyError {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return new ValidationError(`Request body must be a JSON object like {"decision": "allow"}, got ${jsonTypeOf(body)}`);
  }
  if (issue?.code === 'unrecognized_keys') return invalidField(issue.keys[0] ?? '', 'unknown field (expected decision, message, remember)');
  return invalidField(issue?.path.map(String) ?? [], issue?.message ?? 'invalid value');
}
