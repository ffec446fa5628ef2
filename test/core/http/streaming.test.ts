/**
 * Streams through providerRoutes + sendAdapterResponse on a real socket: SSE headers, chunk order,
 * lifecycle events, a mid-stream iterator error ending the stream cleanly, and a client disconnect
 * aborting the adapter's signal and stopping the iterator.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { ProxyError, UpstreamError } from '../../../src/core/errors.js';
import type { AdapterRequest, AdapterResponse } from '../../../src/core/adapter.js';
import type { RequestEventName, RequestEvents } from '../../../src/core/events.js';
import { fakeProvider } from '../helpers/fake-plugin.js';
import { json, rawRequest } from '../helpers/http-client.js';

const sse = (i: number) => `event: content_block_delta\ndata: {"i":${i}}\n\n`;
let iteratorReturned = false;
let abortedSignal: AbortSignal | undefined;

async function* endless(req: AdapterRequest): AsyncGenerator<string> {
  abortedSignal = req.signal;
  try {
    for (let i = 0; ; i++) {
      yield sse(i);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    iteratorReturned = true;
  }
}

let bigProduced = 0;
const BIG_CHUNK = `data: ${'x'.repeat(64 * 1024)}\n\n`;
async function* big(): AsyncGenerator<string> {
  for (bigProduced = 0; bigProduced < 200; bigProduced++) yield BIG_CHUNK;
}

async function* failing(): AsyncGenerator<string> {
  yield sse(0);
  yield 'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"boom"}}\n\n';
  throw new Error('upstream reset');
}

function failsFirst(): AsyncIterable<string> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new UpstreamError(529, 'Overloaded')) }) };
}

const plugin = fakeProvider({
  name: 'fake',
  handle: async (req): Promise<AdapterResponse> => {
    req.observer?.upstreamResponse(200, 3);
    req.observer?.meter('anthropic', 'real-model').response({ usage: { input_tokens: 5, output_tokens: 7 } });
    const mode = req.body.get('mode');
    if (mode === 'big') return { kind: 'stream', status: 200, events: big() };
    if (mode === 'endless') return { kind: 'stream', status: 200, events: endless(req) };
    if (mode === 'failing') return { kind: 'stream', status: 200, events: failing() };
    if (mode === 'failsFirst') return { kind: 'stream', status: 200, events: failsFirst() };
    if (mode === 'reject') throw new ProxyError('rate_limit', 'Too many', { retryAfter: 12 });
    if (mode === 'crash') throw new TypeError('secret internal detail');
    if (mode === 'passthrough') return { kind: 'json', status: 201, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'request-id': 'up-1' }, body: Buffer.from('{"raw":true}') };
    const events = (async function* () {
      for (let i = 0; i < 50; i++) yield i % 2 ? sse(i) : Buffer.from(sse(i));
    })();
    return { kind: 'stream', status: 200, headers: { 'request-id': 'up-2', 'content-length': '5' }, events };
  },
  countTokens: async () => ({ kind: 'json', status: 200, body: { input_tokens: 42 } }),
});

let proxy: RunningProxy;
const seen: Array<{ name: RequestEventName; e: RequestEvents[RequestEventName] }> = [];

beforeAll(async () => {
  proxy = await startProxy({ env: {}, overrides: { server: { port: 0 }, logging: { level: 'silent' } }, plugins: [plugin] });
  for (const name of ['request.started', 'upstream.response', 'stream.chunk', 'request.completed', 'request.failed'] as const) {
    proxy.services.events.on(name, (e) => seen.push({ name, e }));
  }
});
afterAll(() => proxy.close());

const post = (path: string, body: unknown) =>
  rawRequest(`${proxy.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('streaming responses', () => {
  it('writes every chunk in order with SSE headers and emits lifecycle events', async () => {
    seen.length = 0;
    const r = await post('/fake/v1/messages', { model: 'm', stream: true, mode: 'ok' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/event-stream');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['x-accel-buffering']).toBe('no');
    expect(r.headers['request-id']).toBe('up-2');
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.headers['x-request-id']).toBeTruthy();
    expect(r.body).toBe(Array.from({ length: 50 }, (_, i) => sse(i)).join(''));
    const names = seen.map((s) => s.name);
    expect(names[0]).toBe('request.started');
    expect(names).toContain('upstream.response');
    expect(names.filter((n) => n === 'stream.chunk')).toHaveLength(50);
    const done = seen.find((s) => s.name === 'request.completed')!.e as RequestEvents['request.completed'];
    expect(done).toMatchObject({ plugin: 'fake', api: 'anthropic', model: 'real-model', status: 200, usage: { uncachedInputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 0 } });
    expect(done.ttfbMs).toBeGreaterThanOrEqual(0);
  });

  it('honors backpressure: a paused client stops the producer, and every byte arrives', async () => {
    const received = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/fake/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
        res.pause();
        setTimeout(() => {
          // Socket and response buffers hold a few MB at most; the producer must be waiting.
          try {
            expect(bigProduced).toBeLessThan(150);
          } catch (e) {
            reject(e);
          }
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () => resolve(bytes));
          res.resume();
        }, 300);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'm', stream: true, mode: 'big' }));
    });
    expect(received).toBe(200 * Buffer.byteLength(BIG_CHUNK));
    expect(bigProduced).toBe(200);
  });

  it('ends the stream cleanly when the iterator throws mid-stream', async () => {
    const r = await post('/fake/v1/chat/completions', { model: 'm', stream: true, mode: 'failing' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('event: error');
    const again = await post('/fake/v1/messages', { model: 'm' });
    expect(again.status).toBe(200);
  });

  it('renders an error raised before the first chunk as a normal error response', async () => {
    seen.length = 0;
    const r = await post('/fake/v1/messages', { model: 'm', stream: true, mode: 'failsFirst' });
    expect(r.status).toBe(529);
    expect(seen.find((s) => s.name === 'request.failed')?.e).toMatchObject({ status: 529, error: 'Overloaded', plugin: 'fake' });
    expect(json(r)).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('aborts the adapter signal and stops the iterator when the client disconnects', async () => {
    iteratorReturned = false;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/fake/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
        let got = 0;
        res.on('data', () => {
          if (++got === 3) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', () => undefined);
      req.end(JSON.stringify({ model: 'm', stream: true, mode: 'endless' }));
      setTimeout(() => reject(new Error('no data')), 60_000).unref();
    });
    await expect.poll(() => abortedSignal?.aborted).toBe(true);
    await expect.poll(() => iteratorReturned).toBe(true);
    await expect.poll(() => seen.some((s) => s.name === 'request.failed' && (s.e as RequestEvents['request.failed']).error === 'client disconnected')).toBe(true);
  });
});

describe('json responses and errors', () => {
  it('passes already-serialized bodies through with headers minus hop-by-hop ones', async () => {
    const r = await post('/fake/v1/responses', { model: 'm', mode: 'passthrough' });
    expect(r.status).toBe(201);
    expect(r.body).toBe('{"raw":true}');
    expect(r.headers['request-id']).toBe('up-1');
    expect(r.headers['transfer-encoding']).toBeUndefined();
  });

  it('renders ProxyErrors in the route API with retry-after', async () => {
    const a = await post('/fake/v1/messages', { model: 'm', mode: 'reject' });
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('12');
    expect(json(a)).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'Too many' }, request_id: a.headers['x-request-id'] });
    const o = await post('/fake/v1/chat/completions', { model: 'm', mode: 'reject' });
    expect(json(o)).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Too many' } });
  });

  it('turns unknown errors into a 500 that leaks nothing', async () => {
    const r = await post('/fake/v1/responses', { model: 'm', mode: 'crash' });
    expect(r.status).toBe(500);
    expect(r.body).not.toContain('secret');
    expect(json(r)).toMatchObject({ error: { message: 'Internal proxy error', type: 'server_error' } });
  });

  it('mounts count_tokens when the adapter has it, and a merged model list', async () => {
    const c = await post('/fake/v1/messages/count_tokens', { model: 'm', messages: [] });
    expect(json(c)).toEqual({ input_tokens: 42 });
    const m = json(await rawRequest(`${proxy.url}/fake/v1/models`));
    expect(m).toMatchObject({ object: 'list', data: [{ id: 'fake-model', object: 'model', type: 'model', display_name: 'Fake', owned_by: 'fake', created: 1700000000 }] });
  });
});
