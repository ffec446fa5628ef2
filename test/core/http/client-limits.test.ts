/**
 * Slow and idle clients cannot hold the proxy's connections: a request whose headers or body
 * trickle in, and a connection that never sends anything, are closed once `server.headers_timeout`
 * / `server.request_timeout` pass (a 408 in the path's API format where a request line came);
 * `server.max_connections` bounds how many are open at once. The bounds cover receiving the
 * request only: a response stream that outlives them is not cut.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { fakeProvider } from '../helpers/fake-plugin.js';

interface Conn {
  socket: Socket;
  received(): string;
  /** Resolves when the server closed the connection (at most `boundMs`, else rejects). */
  closed(boundMs?: number): Promise<void>;
}

function open(port: number): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let ended = false;
    const waiters: Array<() => void> = [];
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      ended = true;
      for (const w of waiters) w();
    });
    socket.once('connect', () => resolve({
      socket,
      received: () => text,
      closed: (boundMs = 60_000) => new Promise<void>((done, fail) => {
        if (ended) return done();
        const timer = setTimeout(() => fail(new Error(`connection still open after ${boundMs} ms; received: ${text.slice(0, 200)}`)), boundMs);
        waiters.push(() => {
          clearTimeout(timer);
          done();
        });
      }),
    }));
    socket.once('error', reject);
  });
}

/** Writes `text` one byte at a time, `everyMs` apart, until the socket closes. */
function trickle(conn: Conn, text: string, everyMs = 100): void {
  let i = 0;
  const timer = setInterval(() => {
    if (conn.socket.destroyed || i >= text.length) return clearInterval(timer);
    conn.socket.write(text[i++]!);
  }, everyMs);
  conn.socket.once('close', () => clearInterval(timer));
}

describe('server.headers_timeout / request_timeout', () => {
  let proxy: RunningProxy;
  let release: () => void = () => {};
  const released = new Promise<void>((r) => (release = r));
  const plugin = fakeProvider({
    name: 'fake',
    handle: async (req) => {
      if (req.body.get('stream') !== true) return { kind: 'json', status: 200, body: { ok: true } };
      // A stream that ends only when the test says so: after the timeouts demonstrably fired.
      async function* events(): AsyncGenerator<string> {
        yield 'data: {"n":1}\n\n';
        await released;
        yield 'data: {"n":2}\n\n';
      }
      return { kind: 'stream', status: 200, events: events() };
    },
  });

  beforeAll(async () => {
    proxy = await startProxy({
      env: {},
      overrides: { server: { port: 0, headers_timeout: 0.5, request_timeout: 1 }, logging: { level: 'silent' } },
      plugins: [plugin],
    });
  });
  afterAll(() => proxy.close());

  it('closes connections whose body trickles in, with a 408 in the path format, before the route runs', async () => {
    const head = 'POST /fake/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n';
    const conns = await Promise.all(Array.from({ length: 5 }, () => open(proxy.port)));
    for (const c of conns) {
      c.socket.write(head);
      trickle(c, `{"model":"m","pad":"${'x'.repeat(370)}"}`);
    }
    await Promise.all(conns.map((c) => c.closed()));
    for (const c of conns) {
      expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(c.received().slice(c.received().indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
    }
    expect(plugin.calls).toHaveLength(0);
  });

  it('closes connections whose headers trickle in, and ones that never send anything', async () => {
    const slowHeaders = await open(proxy.port);
    trickle(slowHeaders, `GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'y'.repeat(200)}\r\n\r\n`);
    const silent = await open(proxy.port);
    await Promise.all([slowHeaders.closed(), silent.closed()]);
    expect(silent.received()).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('does not cut a response stream that outlives both bounds', async () => {
    const res = await fetch(`${proxy.url}/fake/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","stream":true}' });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"n":1');
    // Meanwhile a trickling client is reaped: the sweep that would cut the stream has run.
    const slow = await open(proxy.port);
    slow.socket.write('POST /fake/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n');
    trickle(slow, '{"model":"m"'.padEnd(50, ' '));
    await slow.closed();
    release();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain('"n":2');
  });
});

describe('server.max_connections', () => {
  let proxy: RunningProxy;
  beforeAll(async () => {
    proxy = await startProxy({
      env: {},
      overrides: { server: { port: 0, max_connections: 3 }, logging: { level: 'silent' } },
      plugins: [fakeProvider({ name: 'fake' })],
    });
  });
  afterAll(() => proxy.close());

  it('closes connections beyond the limit on arrival and accepts new ones once others left', async () => {
    const held = await Promise.all(Array.from({ length: 3 }, () => open(proxy.port)));
    // Wait until the server has counted all three (accept happens after the client's connect).
    await waitUntil(async () => (await connectionCount(proxy)) === 3);
    const extra = await open(proxy.port);
    await extra.closed();
    expect(extra.received()).toBe('');
    held[0]!.socket.destroy();
    await waitUntil(async () => (await connectionCount(proxy)) === 2);
    const ok = await fetch(`${proxy.url}/health/live`);
    expect(ok.status).toBe(200);
    for (const c of held) c.socket.destroy();
  });
});

function connectionCount(proxy: RunningProxy): Promise<number> {
  return new Promise((resolve, reject) => proxy.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

async function waitUntil(cond: () => Promise<boolean>, boundMs = 60_000): Promise<void> {
  const end = Date.now() + boundMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
