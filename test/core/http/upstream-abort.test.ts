/**
 * End to end through the core: a provider that streams from a real upstream with upstreamRequest
 * and the request's signal. When the client disconnects mid-stream, the (endless) upstream
 * connection is closed and nothing stays in flight.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { upstreamRequest } from '../../../src/core/http/upstream.js';
import type { CoreServices } from '../../../src/core/services.js';
import { fakeProvider } from '../helpers/fake-plugin.js';

let upstream: Server;
let upstreamUrl = '';
let upstreamClosed = 0;
let proxy: RunningProxy;
let services: CoreServices | undefined;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => res.write('event: ping\ndata: {}\n\n'), 10);
    res.on('close', () => {
      clearInterval(timer);
      upstreamClosed++;
    });
    req.resume();
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/stream`;
  const plugin = fakeProvider({
    name: 'up',
    initialize: async (s) => {
      services = s;
    },
    handle: async (req) => {
      const res = await upstreamRequest({ dispatcher: services!.httpClient, url: upstreamUrl, headers: { 'content-type': 'application/json' }, body: req.body.bytes, signal: req.signal, plugin: 'up' });
      return { kind: 'stream', status: 200, events: res.body as AsyncIterable<Uint8Array> };
    },
  });
  proxy = await startProxy({ env: {}, overrides: { server: { port: 0 }, logging: { level: 'silent' } }, plugins: [plugin] });
});

afterAll(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

describe('client disconnect mid-stream', () => {
  it('closes the upstream request and leaves nothing in flight', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/up/v1/messages`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        let n = 0;
        res.on('data', () => {
          if (++n === 3) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', () => undefined);
      req.end('{"model":"m","stream":true}');
      setTimeout(() => reject(new Error('no data')), 60_000).unref();
    });
    await expect.poll(() => upstreamClosed).toBe(1);
    await expect.poll(() => proxy.app.ccproxyHttp!.inflight.size).toBe(0);
  });
});
