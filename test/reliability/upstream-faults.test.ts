/**
 * Upstream faults through the real runtime and the real claude_api and codex plugins: connection
 * refused, reset mid-stream, a stalled stream (idle timeout), headers that never come (headers
 * timeout), 5xx, malformed SSE, truncated JSON. The client always gets a well-formed error in its
 * own API format (mid-stream: the format's error event, then a clean end of the response), the
 * server keeps serving, and nothing leaks: no request in flight in the proxy, no undici request
 * running or socket held busy, no upstream response left open.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../fakes/fault-upstream.js';
import { anthropicBody, chatBody, expectQuiet, post, sseData, startTestProxy, useFaultProxy, type FaultProxy, type Reply, type TestProxy } from './helpers.js';

type Api = 'anthropic' | 'chat';
interface Route {
  name: string;
  path: string;
  api: Api;
  stream: boolean;
}

const ROUTES: Route[] = [
  { name: 'claude native stream', path: '/claude/v1/messages', api: 'anthropic', stream: true },
  { name: 'claude native json', path: '/claude/v1/messages', api: 'anthropic', stream: false },
  { name: 'claude chat stream', path: '/claude/v1/chat/completions', api: 'chat', stream: true },
  { name: 'claude chat json', path: '/claude/v1/chat/completions', api: 'chat', stream: false },
  { name: 'codex messages stream', path: '/codex/v1/messages', api: 'anthropic', stream: true },
  { name: 'codex chat json', path: '/codex/v1/chat/completions', api: 'chat', stream: false },
];

const bodyFor = (r: Route): Record<string, unknown> => (r.api === 'anthropic' ? anthropicBody(r.stream) : chatBody(r.stream));

/** A JSON error body of `api`: Anthropic `{type:'error', error:{type,message}}`, OpenAI `{error:{message,type}}`. */
function expectErrorBody(api: Api, value: unknown): string {
  const o = value as Record<string, unknown>;
  if (api === 'anthropic') {
    expect(o).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
  } else {
    expect(o).toMatchObject({ error: { type: expect.any(String), message: expect.any(String) } });
  }
  return (o.error as { message: string }).message;
}

/** A complete HTTP error response (status ≥ 500) in the route's format. */
function expectJsonError(r: Route, reply: Reply): string {
  expect(reply.status).toBeGreaterThanOrEqual(500);
  expect(reply.status).toBeLessThan(600);
  expect(String(reply.headers['content-type'])).toContain('json');
  return expectErrorBody(r.api, JSON.parse(reply.body));
}

/** Either an HTTP error, or (once streaming began) a stream whose last event is the format's error event. */
function expectWellFormedFailure(r: Route, reply: Reply): string {
  if (reply.status !== 200) return expectJsonError(r, reply);
  expect(r.stream).toBe(true);
  expect(String(reply.headers['content-type'])).toContain('text/event-stream');
  const events = sseData(reply.body).filter((e) => e !== '[DONE]');
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) expect(typeof e).toBe('object');
  return expectErrorBody(r.api, events.at(-1));
}

const t = useFaultProxy();
// Short idle and headers timeouts, so stalls fail fast. Only for upstreams that never go on: with
// one that merely runs late on a busy machine, a short timeout would be a race.
const impatient = useFaultProxy({ core: { http: { body_timeout: 0.8, headers_timeout: 0.8 } } });

const FAULTS: Array<{ name: string; fault: Fault; expect: RegExp; proxy?: FaultProxy }> = [
  { name: 'reset mid-stream', fault: { kind: 'reset', afterEvents: 3 }, expect: /ECONNRESET|reset|closed|socket/i },
  { name: 'stalled stream (idle timeout)', fault: { kind: 'stall', afterEvents: 3 }, expect: /timeout/i, proxy: impatient },
  { name: 'slow headers (headers timeout)', fault: { kind: 'slow-headers' }, expect: /headers/i, proxy: impatient },
  { name: '5xx', fault: { kind: 'status', status: 503 }, expect: /Internal server error/ },
  { name: 'malformed SSE', fault: { kind: 'malformed-sse', afterEvents: 3 }, expect: /malformed|not valid JSON/ },
  { name: 'truncated JSON', fault: { kind: 'truncated-json' }, expect: /closed|socket|interrupted/i },
];

describe('upstream faults reach the client as well-formed errors', () => {
  for (const f of FAULTS) {
    for (const r of ROUTES) {
      // Native passthrough relays malformed bytes untouched (it never parses them, by design: see below).
      if (f.fault.kind === 'malformed-sse' && r.path === '/claude/v1/messages') continue;
      it(`${f.name}: ${r.name}`, async () => {
        const { proxy, upstream } = f.proxy ?? t;
        upstream.fault = f.fault;
        const reply = await post(`${proxy.url}${r.path}`, bodyFor(r));
        const message = expectWellFormedFailure(r, reply);
        expect(message).toMatch(f.expect);
        expect(message).not.toContain('Internal proxy error');
        await expectQuiet(proxy, upstream);
      });
    }
  }

  it('native passthrough relays a malformed upstream stream byte for byte and stays healthy', async () => {
    t.upstream.fault = { kind: 'malformed-sse', afterEvents: 3 };
    const reply = await post(`${t.proxy.url}/claude/v1/messages`, anthropicBody(true));
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('"delta":{"ty\n\n');
    await expectQuiet(t.proxy, t.upstream);
  });

  it('the server keeps serving normal requests after all of that, with the sockets reused', async () => {
    t.upstream.fault = { kind: 'ok', deltas: 10 };
    const before = t.upstream.requests.length;
    for (const r of ROUTES) {
      const reply = await post(`${t.proxy.url}${r.path}`, bodyFor(r));
      expect(reply.status, `${r.name}: ${reply.body.slice(0, 200)}`).toBe(200);
    }
    expect(t.upstream.requests.length - before).toBe(ROUTES.length);
    const live = await fetch(`${t.proxy.url}/health/live`);
    expect(live.status).toBe(200);
    await expectQuiet(t.proxy, t.upstream);
    // Keep-alive sockets may stay open for reuse, but never more than the pool ever needed.
    expect(t.upstream.openSockets).toBeLessThanOrEqual(2);
  });
});

describe('connection refused', () => {
  let refused: TestProxy;
  let port = 0;
  beforeAll(async () => {
    // A port that was just free: nothing listens there any more.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    refused = await startTestProxy(`http://127.0.0.1:${port}`);
  });
  afterAll(() => refused?.close());

  for (const r of ROUTES) {
    it(`${r.name}: 502 in the route's format, nothing in flight`, async () => {
      const reply = await post(`${refused.proxy.url}${r.path}`, bodyFor(r));
      expect(reply.status).toBe(502);
      expect(expectJsonError(r, reply)).toMatch(/connection refused/);
      await expectQuiet(refused.proxy, { activeRequests: 0 });
    });
  }
});
