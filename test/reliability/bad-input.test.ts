/**
 * Bad input against the real plugins (claude_api in front of the strict fake Anthropic API, codex
 * in front of a FaultUpstream): malformed JSON, wrong types, missing fields, oversized bodies,
 * invalid UTF-8, oversized headers, unknown routes, wrong methods. Each is a 4xx in the route's API
 * format, never a 500, never a crash; then a fast-check fuzz throws random bodies at every POST
 * route every active provider registered.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { FaultUpstream } from '../fakes/fault-upstream.js';
import { CLAUDE_KEY, post, startTestProxy, type Reply, type TestProxy } from './helpers.js';

const BODY_LIMIT = 256 * 1024;
let anthropic: FakeAnthropicUpstream;
let codexUp: FaultUpstream;
let t: TestProxy;
let postRoutes: string[] = [];

beforeAll(async () => {
  anthropic = await new FakeAnthropicUpstream().start();
  anthropic.acceptedApiKeys.add(CLAUDE_KEY);
  codexUp = await new FaultUpstream().start();
  t = await startTestProxy(anthropic.url, {
    core: { server: { port: 0, body_limit: BODY_LIMIT } },
    codex: { base_url: `${codexUp.url}/backend-api/codex` },
  });
  postRoutes = t.proxy.registry.active().flatMap((r) => (r.routes ?? []).filter((s) => s.startsWith('POST ')).map((s) => s.slice(5)));
});
afterAll(async () => {
  await t?.close();
  await anthropic?.close();
  await codexUp?.close();
});

const isAnthropicPath = (path: string): boolean => path.includes('/messages');

/** A 4xx whose body is the error format of the path's API. */
function expectClientError(path: string, r: Reply, status?: number): void {
  if (status) expect(r.status, r.body).toBe(status);
  expect(r.status >= 400 && r.status < 500, `${path}: ${r.status} ${r.body.slice(0, 300)}`).toBe(true);
  const parsed = JSON.parse(r.body) as Record<string, unknown>;
  if (isAnthropicPath(path)) expect(parsed).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
  else expect(parsed).toMatchObject({ error: { type: expect.any(String), message: expect.any(String) } });
}

function rawSocket(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(t.proxy.port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (c: Buffer) => (out += c.toString('latin1')));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

describe('bad input on the real provider routes', () => {
  it('both providers registered their POST routes', () => {
    expect(postRoutes).toEqual(expect.arrayContaining([
      '/claude/v1/messages', '/claude/v1/chat/completions', '/claude/v1/responses',
      '/codex/v1/messages', '/codex/v1/chat/completions', '/codex/v1/responses',
    ]));
  });

  it('malformed JSON, non-object bodies, empty bodies, invalid UTF-8 → 400 on every route', async () => {
    const bad: Array<string | Buffer> = ['{"model":', '[1,2]', '"text"', 'null', '', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])];
    for (const path of postRoutes) {
      for (const body of bad) expectClientError(path, await post(`${t.proxy.url}${path}`, body), 400);
    }
  });

  it('wrong types and missing fields → 4xx in the route format', async () => {
    const bodies: Record<string, unknown>[] = [
      {},
      { model: 5, messages: 'hi' },
      { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 42 }], max_tokens: 'many' },
      { model: 'gpt-5', input: { not: 'a list' }, tools: 'none' },
      { model: 'x', messages: [null], stream: 'yes' },
    ];
    for (const path of postRoutes) {
      for (const body of bodies) {
        const r = await post(`${t.proxy.url}${path}`, body);
        // Some of these are accepted and answered (e.g. codex fills a missing model); never a 5xx.
        if (r.status !== 200) expectClientError(path, r);
      }
    }
  });

  it('an oversized body → 413 in the route format', async () => {
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }] });
    for (const path of ['/claude/v1/messages', '/codex/v1/chat/completions', '/codex/v1/responses']) {
      expectClientError(path, await post(`${t.proxy.url}${path}`, big), 413);
    }
  });

  it('oversized headers → 431 in the path format', async () => {
    const a = await rawSocket(`POST /claude/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(20 * 1024)}\r\n\r\n`);
    expect(a).toMatch(/^HTTP\/1.1 431 /);
    expect(JSON.parse(a.slice(a.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'error' });
  });

  it('unknown routes → 404 and wrong methods → 405, in the path format', async () => {
    expectClientError('/claude/v1/nope', await post(`${t.proxy.url}/claude/v1/nope`, {}), 404);
    expectClientError('/codex/v1/messages/nope', await post(`${t.proxy.url}/codex/v1/messages/nope`, {}), 404);
    for (const path of ['/claude/v1/messages', '/codex/v1/chat/completions']) {
      const res = await fetch(`${t.proxy.url}${path}`, { method: 'GET' });
      expectClientError(path, { status: res.status, headers: {}, body: await res.text() }, 405);
    }
    const put = await fetch(`${t.proxy.url}/codex/v1/responses`, { method: 'PUT', body: '{}' });
    expect([404, 405]).toContain(put.status);
  });

  it('fuzz: random bodies at every POST route get 200 or a 4xx in the route format, never a 5xx', async () => {
    const anyValue = fc.anything({ maxDepth: 2 });
    const bodies = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.json({ maxDepth: 3 }),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      // Plausible shapes with random parts: these get past the JSON parser into the converters.
      fc.record({
        model: fc.oneof(fc.constant('claude-sonnet-4-6'), fc.constant('gpt-5.5'), fc.string(), fc.integer()),
        max_tokens: fc.oneof(fc.integer({ min: 1, max: 100 }), anyValue),
        stream: fc.oneof(fc.boolean(), anyValue),
        messages: fc.oneof(
          fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'developer'), content: anyValue }, { requiredKeys: [] }), { maxLength: 3 }),
          anyValue,
        ),
        input: anyValue,
        tools: anyValue,
        system: anyValue,
      }, { requiredKeys: ['model'] }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...postRoutes), bodies, async (path, body) => {
        const r = await post(`${t.proxy.url}${path}`, body);
        if (r.status === 200) return;
        expectClientError(path, r);
      }),
      { numRuns: 400 },
    );
    // Still serving.
    expect((await fetch(`${t.proxy.url}/health/live`)).status).toBe(200);
  });
});
