import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { upstreamRequest, parseRetryAfter } from '../../../src/core/http/upstream.js';
import { UpstreamConnectionError, UpstreamError } from '../../../src/core/errors.js';

let server: Server;
let base: string;
const seen: Array<{ url?: string; headers: Record<string, unknown>; body: string }> = [];
const agent = new Agent();
/** Only for `/stall`, which never answers: its header timeout can be short without racing anything. */
const impatient = new Agent({ headersTimeout: 300 });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url, headers: req.headers, body });
      switch (req.url) {
        case '/ok':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end('event: ping\ndata: {}\n\n');
          return;
        case '/rate':
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7', 'request-id': 'req_123' });
          res.end(JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } }));
          return;
        case '/openai-err':
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'bad param', type: 'invalid_request_error', code: 'invalid_value' } }));
          return;
        case '/echo-key':
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)} (key ${String(req.headers['x-api-key'])})` } }));
          return;
        case '/detail':
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: 'Unauthorized' }));
          return;
        case '/html':
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end('<html><body>Bad gateway</body></html>');
          return;
        case '/gzip':
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          res.end(gzipSync(JSON.stringify({ hello: 'world' })));
          return;
        case '/big-error':
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('x'.repeat(1024 * 1024));
          return;
        case '/stall':
          return; // never answers: headers timeout
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('upstreamRequest', () => {
  it('returns status, headers and a body stream for 2xx and asks for identity encoding', async () => {
    const res = await upstreamRequest({
      dispatcher: agent, url: `${base}/ok`, body: '{}',
      headers: { 'x-a': '1', 'Accept-Encoding': 'gzip', skip: undefined, host: 'localhost:8000', connection: 'keep-alive', 'content-length': '999', 'transfer-encoding': 'chunked' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(await res.body.text()).toBe('event: ping\ndata: {}\n\n');
    const last = seen.at(-1)!;
    expect(last.headers['accept-encoding']).toBe('identity');
    expect(last.headers['x-a']).toBe('1');
    expect(last.headers.host).toBe(new URL(base).host);
    expect(last.headers['content-length']).toBe('2');
    expect(last.body).toBe('{}');
  });

  it('maps an Anthropic error body, retry-after and request-id', async () => {
    const err = await upstreamRequest({ dispatcher: agent, url: `${base}/rate`, headers: {}, plugin: 'p' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    const e = err as UpstreamError;
    expect(e.status).toBe(429);
    expect(e.kind).toBe('rate_limit');
    expect(e.message).toBe('Slow down');
    expect(e.retryAfter).toBe(7);
    expect(e.retryable).toBe(true);
    expect(e.plugin).toBe('p');
    expect(e.headers).toMatchObject({ 'retry-after': '7', 'request-id': 'req_123' });
    expect(e.upstreamBody).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  it('keeps an OpenAI error code and a ChatGPT-style detail', async () => {
    const e1 = (await upstreamRequest({ dispatcher: agent, url: `${base}/openai-err`, headers: {} }).catch((e: unknown) => e)) as UpstreamError;
    expect(e1.message).toBe('bad param');
    expect(e1.code).toBe('invalid_value');
    const e2 = (await upstreamRequest({ dispatcher: agent, url: `${base}/detail`, headers: {} }).catch((e: unknown) => e)) as UpstreamError;
    expect(e2.message).toBe('Unauthorized');
    expect(e2.kind).toBe('authentication');
  });

  it('never relays the credential we sent when an upstream error quotes it', async () => {
    const headers = { authorization: 'Bearer sk-secret-token-123456', 'x-api-key': 'sk-other-key-abcdef' };
    const e = (await upstreamRequest({ dispatcher: agent, url: `${base}/echo-key`, headers }).catch((x: unknown) => x)) as UpstreamError;
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.message).toBe('Incorrect API key provided: [redacted] (key [redacted])');
    expect(JSON.stringify(e.upstreamBody)).not.toMatch(/sk-secret|sk-other/);
  });

  it('does not forward HTML error pages as the message and bounds what it reads', async () => {
    const e = (await upstreamRequest({ dispatcher: agent, url: `${base}/html`, headers: {} }).catch((x: unknown) => x)) as UpstreamError;
    expect(e.message).toBe('Upstream returned HTTP 502');
    const big = (await upstreamRequest({ dispatcher: agent, url: `${base}/big-error`, headers: {} }).catch((x: unknown) => x)) as UpstreamError;
    expect(big.status).toBe(500);
    expect(String(big.upstreamBody).length).toBeLessThanOrEqual(64 * 1024);
  });

  it('decodes a gzip body even though identity was requested', async () => {
    const res = await upstreamRequest({ dispatcher: agent, url: `${base}/gzip`, method: 'GET', headers: {} });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(await res.body.json()).toEqual({ hello: 'world' });
  });

  it('maps connection refused and header timeouts to UpstreamConnectionError without the path', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = (await upstreamRequest({ dispatcher: agent, url: `http://127.0.0.1:${port}/secret?key=abc`, headers: {} }).catch((x: unknown) => x)) as UpstreamConnectionError;
    expect(refused).toBeInstanceOf(UpstreamConnectionError);
    expect(refused.message).toContain('connection refused');
    expect(refused.message).not.toContain('secret');
    expect(refused.status).toBe(502);

    const stalled = (await upstreamRequest({ dispatcher: impatient, url: `${base}/stall`, headers: {} }).catch((x: unknown) => x)) as UpstreamConnectionError;
    expect(stalled).toBeInstanceOf(UpstreamConnectionError);
    expect(stalled.message).toContain('response headers');
    expect(stalled.status).toBe(504);
  });

  it('reports an aborted request as not retryable', async () => {
    const ac = new AbortController();
    const p = upstreamRequest({ dispatcher: agent, url: `${base}/stall`, headers: {}, signal: ac.signal });
    ac.abort();
    const e = (await p.catch((x: unknown) => x)) as UpstreamConnectionError;
    expect(e.code).toBe('CCPROXY_ERR_ABORTED');
    expect(e.retryable).toBe(false);
  });

  it('parses retry-after seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('nonsense')).toBeUndefined();
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTen)).toBeGreaterThanOrEqual(8);
  });
});
