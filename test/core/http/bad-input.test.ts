/**
 * Bad input never yields a 500 or a crash: oversized headers and malformed request lines (Node's
 * parser, before Fastify) and random bodies thrown at every POST route (fast-check) all get a 4xx
 * in the route's API format; the server keeps serving.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { fakeProvider } from '../helpers/fake-plugin.js';
import { rawRequest } from '../helpers/http-client.js';

let proxy: RunningProxy;
const plugin = fakeProvider({
  name: 'fake',
  // A strict adapter: reject what is not a plausible request the way real adapters do.
  handle: async (req) => {
    if (typeof req.body.get('model') !== 'string') {
      const { ValidationError } = await import('../../../src/core/errors.js');
      throw new ValidationError('model: expected a string');
    }
    return { kind: 'json', status: 200, body: { ok: true } };
  },
});

beforeAll(async () => {
  proxy = await startProxy({ env: {}, overrides: { server: { port: 0, body_limit: 64 * 1024 }, logging: { level: 'silent' } }, plugins: [plugin] });
});
afterAll(() => proxy.close());

function rawSocket(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(proxy.port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (c: Buffer) => (out += c.toString('latin1')));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

describe('parser-level errors', () => {
  it('oversized headers → 431 in the path format', async () => {
    const big = 'x'.repeat(20 * 1024);
    const a = await rawSocket(`POST /fake/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${big}\r\n\r\n`);
    expect(a).toMatch(/^HTTP\/1.1 431 /);
    expect(JSON.parse(a.slice(a.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    const o = await rawSocket(`POST /fake/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${big}\r\n\r\n`);
    expect(JSON.parse(o.slice(o.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('malformed request line → 400', async () => {
    const r = await rawSocket('GARBAGE\r\n\r\n');
    expect(r).toMatch(/^HTTP\/1.1 400 /);
    expect((await rawRequest(`${proxy.url}/health/live`)).status).toBe(200);
  });
});

describe('fuzz: random bodies at every POST route', () => {
  const routes = ['/fake/v1/messages', '/fake/v1/chat/completions', '/fake/v1/responses'];
  const bodies = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.record({ model: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), messages: fc.anything({ maxDepth: 2 }) }).map((o) => JSON.stringify(o)),
  );

  it('answers 200 or a 4xx in the route format, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), bodies, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (route, body, type) => {
        const r = await rawRequest(`${proxy.url}${route}`, { method: 'POST', body, headers: { 'content-type': type } });
        expect(r.status === 200 || (r.status >= 400 && r.status < 500), `${r.status} ${r.body}`).toBe(true);
        if (r.status !== 200) {
          const parsed = JSON.parse(r.body) as Record<string, unknown>;
          if (route.endsWith('/messages')) expect(parsed.type).toBe('error');
          else expect(parsed.error).toMatchObject({ type: expect.any(String), message: expect.any(String) });
        }
      }),
      { numRuns: 150 },
    );
  });
});
