/**
 * The permissions API over a real socket, behind the core's guards, with pending approvals made
 * straight on the broker (no CLI): unauthenticated and cross-origin attempts are refused (even from
 * an origin `server.cors_origins` allows for the model APIs) and leave the approval pending; bad
 * decisions get a 400 naming the field; decisions, expiry and shutdown reach the watch stream, the
 * log (without file contents) and the event bus.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../../src/core/config/schema.js';
import { RequestEventBus } from '../../../src/core/event-bus.js';
import type { RequestEvents } from '../../../src/core/events.js';
import { createHttpApp } from '../../../src/core/http/server.js';
import { PermissionBroker, type Outcome, type PermissionAsk } from '../../../src/plugins/claude_sdk/permissions/broker.js';
import { summarize } from '../../../src/plugins/claude_sdk/permissions/describe.js';
import { permissionRoutes } from '../../../src/plugins/claude_sdk/permissions/routes.js';
import { sessionRuleFor } from '../../../src/plugins/claude_sdk/permissions/rules.js';
import { json, rawRequest } from '../../core/helpers/http-client.js';
import { PermissionWatch } from './permission-watch.js';

const TOKEN = 'perm-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const UI_ORIGIN = 'https://chat-ui.example';
const FILE_CONTENT = 'TOP_SECRET_FILE_CONTENT_42';

function writeAsk(requestId = 'req_1'): PermissionAsk {
  const input = { file_path: '/home/me/project/notes.txt', content: `${FILE_CONTENT}\nsecond line` };
  return { requestId, sessionId: 'chat-7', api: 'anthropic', userAgent: 'test-client/1', tool: 'Write', input, summary: summarize('Write', input), sessionRule: sessionRuleFor('Write', input) };
}

let app: FastifyInstance;
let url: string;
let broker: PermissionBroker;
let logs: string;
let events: Array<{ name: string; payload: unknown }>;

async function start(timeoutMs = 600_000): Promise<void> {
  logs = '';
  events = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _enc, cb) { logs += chunk.toString(); cb(); } }));
  const bus = new RequestEventBus();
  for (const name of ['permission.requested', 'permission.decided'] as const) {
    bus.on(name, (payload: RequestEvents[typeof name]) => events.push({ name, payload }));
  }
  broker = new PermissionBroker({ plugin: 'claude_sdk', timeoutMs, logger, events: bus });
  const settings = SettingsSchema.parse({ server: { port: 0, auth_token: TOKEN, cors_origins: [UI_ORIGIN] } });
  app = createHttpApp({ settings, logger, events: bus });
  app.register(permissionRoutes(broker, 'claude_sdk'));
  // A model-API-like route, to show the configured origin does reach other routes.
  app.post('/other', async () => ({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

beforeEach(() => start());
afterEach(async () => {
  await app.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  rawRequest(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

/** Waits until the broker lists something pending (ask() registers synchronously, so at once). */
function pendingId(): string {
  const [p] = broker.list();
  if (!p) throw new Error('nothing pending');
  return p.id;
}

describe('permissions API: who may decide', () => {
  it('refuses unauthenticated and wrongly authenticated clients; the approval stays pending', async () => {
    const outcome = broker.ask(writeAsk(), new AbortController().signal);
    const id = pendingId();
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong' }, { 'x-api-key': 'wrong' }];
    for (const headers of attempts) {
      expect((await rawRequest(`${url}/permissions`, { headers })).status).toBe(401);
      expect((await rawRequest(`${url}/permissions/stream`, { headers })).status).toBe(401);
      const r = await post(`/permissions/${id}`, { decision: 'allow' }, headers);
      expect(r.status).toBe(401);
    }
    expect(broker.list().map((p) => p.id)).toEqual([id]);
    expect((await post(`/permissions/${id}`, { decision: 'allow' }, { 'x-api-key': TOKEN })).status).toBe(200);
    expect(await outcome).toMatchObject({ by: 'person', decision: 'allow' });
  });

  it('refuses cross-origin requests, even from an origin allowed for the model APIs', async () => {
    const outcome = broker.ask(writeAsk(), new AbortController().signal);
    const id = pendingId();
    const attempts: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: UI_ORIGIN },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const h of attempts) {
      const r = await post(`/permissions/${id}`, { decision: 'allow' }, { ...AUTH, ...h });
      expect(r.status, JSON.stringify(h)).toBe(403);
      expect(json(r)).toMatchObject({ error: { type: 'permission_error' } });
      expect((await rawRequest(`${url}/permissions/stream`, { headers: { ...AUTH, ...h } })).status, JSON.stringify(h)).toBe(403);
      expect((await rawRequest(`${url}/permissions`, { headers: { ...AUTH, ...h } })).status, JSON.stringify(h)).toBe(403);
    }
    expect((await post('/other', {}, { ...AUTH, origin: UI_ORIGIN })).status).toBe(200);
    expect(broker.list().map((p) => p.id)).toEqual([id]);
    expect((await post(`/permissions/${id}`, { decision: 'deny' }, AUTH)).status).toBe(200);
    expect(await outcome).toMatchObject({ by: 'person', decision: 'deny' });
  });
});

describe('permissions API: decisions', () => {
  it('lists what is pending with the tool input and a content-free summary', async () => {
    void broker.ask(writeAsk(), new AbortController().signal);
    const r = json(await rawRequest(`${url}/permissions`, { headers: AUTH })) as { pending: Array<Record<string, unknown>> };
    expect(r.pending).toHaveLength(1);
    expect(r.pending[0]).toMatchObject({
      id: expect.stringMatching(/^perm_[0-9a-f]{32}$/),
      plugin: 'claude_sdk',
      request_id: 'req_1',
      session_id: 'chat-7',
      client: { api: 'anthropic', user_agent: 'test-client/1' },
      tool: 'Write',
      summary: '/home/me/project/notes.txt (2 lines, 38 bytes)',
      input: { content: expect.stringContaining(FILE_CONTENT) },
      session_rule: 'Write(//home/me/project/notes.txt)',
    });
    expect(Date.parse(String(r.pending[0]!.expires_at)) - Date.parse(String(r.pending[0]!.created_at))).toBe(600_000);
  });

  it('refuses malformed decisions with a 400 naming the field, and unknown ids with 404', async () => {
    void broker.ask(writeAsk(), new AbortController().signal);
    const id = pendingId();
    const cases: Array<[unknown, RegExp]> = [
      [{}, /^decision: /],
      [{ decision: 'maybe' }, /^decision: /],
      [{ decision: 'allow', remember: 'forever' }, /^remember: /],
      [{ decision: 'allow', message: 'x'.repeat(4001) }, /^message: /],
      [{ decision: 'allow', message: null }, /^message: /],
      [{ decision: 'allow', always: true }, /^always: unknown field/],
      [[], /must be a JSON object/],
      ['null', /must be a JSON object/],
      ['', /must be a JSON object|body/i],
    ];
    for (const [body, message] of cases) {
      const r = await post(`/permissions/${id}`, body, AUTH);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((json(r).error as { message: string }).message, JSON.stringify(body)).toMatch(message);
    }
    expect(broker.list()).toHaveLength(1);
    const unknown = await post('/permissions/perm_0000', { decision: 'allow' }, AUTH);
    expect(unknown.status).toBe(404);
    expect(json(unknown)).toMatchObject({ error: { type: 'not_found_error' } });
  });

  it('streams pending, decided and expired; logs and emits every decision without file contents', async () => {
    const first = broker.ask(writeAsk('req_1'), new AbortController().signal);
    const watch = await PermissionWatch.open(url, AUTH);
    try {
      const replayed = await watch.next('new');
      expect(replayed).toMatchObject({ request_id: 'req_1', tool: 'Write' });
      const decided = await watch.decide(String(replayed.id), { decision: 'allow', remember: 'session' }, { 'user-agent': 'ccproxy-permissions/test' });
      expect(decided).toEqual({ status: 200, body: { id: replayed.id, decision: 'allow', remember: 'session' } });
      expect(await watch.next('decided')).toMatchObject({ id: replayed.id, decision: 'allow', remember: 'session', decider: 'ccproxy-permissions/test from 127.0.0.1' });
      expect(await first).toMatchObject({ by: 'person', decision: 'allow', remember: 'session' });

      const gone = new AbortController();
      const second = broker.ask(writeAsk('req_2'), gone.signal);
      const live = await watch.next('new');
      expect(live).toMatchObject({ request_id: 'req_2' });
      gone.abort();
      expect(await watch.next('expired')).toMatchObject({ id: live.id, reason: 'withdrawn' });
      expect(await second).toEqual({ by: 'withdrawn', decision: 'deny' });
    } finally {
      watch.close();
    }
    expect(logs).not.toContain(FILE_CONTENT);
    expect(logs).toContain('"msg":"permission decided"');
    expect(logs).toContain('"decider":"ccproxy-permissions/test from 127.0.0.1"');
    expect(JSON.stringify(events)).not.toContain(FILE_CONTENT);
    expect(events.map((e) => e.name)).toEqual(['permission.requested', 'permission.decided', 'permission.requested', 'permission.decided']);
    expect(events[1]!.payload).toMatchObject({ plugin: 'claude_sdk', requestId: 'req_1', sessionId: 'chat-7', tool: 'Write', decision: 'allow', decidedBy: 'person', remember: 'session', summary: '/home/me/project/notes.txt (2 lines, 38 bytes)' });
    expect(events[3]!.payload).toMatchObject({ requestId: 'req_2', decision: 'deny', decidedBy: 'withdrawn' });
  });

  it('denies when nobody decides in time', async () => {
    await app.close();
    await start(50);
    const outcome: Outcome = await broker.ask(writeAsk(), new AbortController().signal);
    expect(outcome).toEqual({ by: 'timeout', decision: 'deny' });
    expect(events.at(-1)?.payload).toMatchObject({ decision: 'deny', decidedBy: 'timeout' });
  });

  it('on server close: ends the watch streams and denies what is pending', async () => {
    const outcome = broker.ask(writeAsk(), new AbortController().signal);
    const watch = await PermissionWatch.open(url, AUTH);
    await watch.next('new');
    const closing = app.close();
    await watch.closed();
    expect(await outcome).toEqual({ by: 'shutdown', decision: 'deny' });
    await closing;
    expect(await broker.ask(writeAsk('late'), new AbortController().signal)).toEqual({ by: 'shutdown', decision: 'deny' });
  });
});
