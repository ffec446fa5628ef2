/**
 * The server's guards against a real socket (not inject): client auth, Host allow-list, Origin and
 * CORS, body limit, malformed bodies and unknown routes, each refused in the route's API format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { ConfigError } from '../../../src/core/errors.js';
import { fakeProvider } from '../helpers/fake-plugin.js';
import { connect } from 'node:net';
import { json, rawRequest } from '../helpers/http-client.js';

const TOKEN = 'test-token-0123456789';

describe('without auth token (defaults)', () => {
  let proxy: RunningProxy;
  const plugin = fakeProvider({ name: 'fake' });

  beforeAll(async () => {
    proxy = await startProxy({ env: {}, overrides: { server: { port: 0, body_limit: 1024 }, logging: { level: 'silent' } }, plugins: [plugin] });
  });
  afterAll(() => proxy.close());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    rawRequest(`${proxy.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  /** Exact request bytes (several or odd Host headers), the whole answer as text. */
  const raw = (text: string): Promise<string> => new Promise((resolve, reject) => {
    const s = connect(proxy.port, '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (c: Buffer) => (out += c.toString('latin1')));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });

  it('serves requests, echoes or generates x-request-id', async () => {
    const r = await post('/fake/v1/messages', '{"model":"m"}', { 'x-request-id': 'abc-123' });
    expect(r.status).toBe(200);
    expect(r.headers['x-request-id']).toBe('abc-123');
    const r2 = await post('/fake/v1/messages', '{"model":"m"}');
    expect(r2.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const r3 = await post('/fake/v1/messages', '{"model":"m"}', { 'x-request-id': 'bad id\twith junk' });
    expect(r3.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(plugin.calls.at(-1)?.body.bytes.toString()).toBe('{"model":"m"}');
  });

  it('tolerates trailing and duplicate slashes from base URLs', async () => {
    expect((await post('/fake//v1/messages', '{"model":"m"}')).status).toBe(200);
    expect((await post('/fake/v1/chat/completions/', '{"model":"m"}')).status).toBe(200);
  });

  it('sends no CORS headers by default', async () => {
    const r = await post('/fake/v1/messages', '{}');
    expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
  });

  it('accepts loopback Host names with and without port, refuses foreign ones (DNS rebinding)', async () => {
    for (const host of ['localhost', `localhost:${proxy.port}`, `127.0.0.1:${proxy.port}`, `[::1]:${proxy.port}`]) {
      const r = await rawRequest(`${proxy.url}/health/live`, { headers: { host } });
      expect(r.status, host).toBe(200);
    }
    const before = plugin.calls.length;
    const r = await post('/fake/v1/messages', '{}', { host: `evil.example.com:${proxy.port}` });
    expect(r.status).toBe(403);
    expect(json(r)).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    const chat = await post('/fake/v1/chat/completions', '{}', { host: 'attacker.test' });
    expect(chat.status).toBe(403);
    expect(json(chat)).toMatchObject({ error: { type: 'permission_error' } });
    expect(plugin.calls.length).toBe(before);
  });

  it('refuses a cross-origin preflight and a form POST from a foreign Origin without reaching the route', async () => {
    const before = plugin.calls.length;
    const pre = await rawRequest(`${proxy.url}/fake/v1/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const form = await rawRequest(`${proxy.url}/fake/v1/messages`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"model":"m","x":"=1"}',
    });
    expect(form.status).toBe(403);
    const textPlain = await rawRequest(`${proxy.url}/fake/v1/chat/completions`, {
      method: 'POST', headers: { origin: 'null', 'content-type': 'text/plain' }, body: '{"model":"m"}',
    });
    expect(textPlain.status).toBe(403);
    expect(plugin.calls.length).toBe(before);
  });

  it('refuses every Origin not configured, loopback and opaque ones included (local dev servers are web pages too)', async () => {
    const before = plugin.calls.length;
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:8080', `http://127.0.0.1:${proxy.port}`, 'http://[::1]:5173', 'null', 'file://']) {
      const r = await post('/fake/v1/messages', '{"model":"m"}', { origin });
      expect(r.status, origin).toBe(403);
      expect(json(r), origin).toMatchObject({ type: 'error', error: { type: 'permission_error', message: 'Origin not allowed' } });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      const pre = await rawRequest(`${proxy.url}/fake/v1/chat/completions`, {
        method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(pre.status, origin).toBe(403);
    }
    expect(plugin.calls.length).toBe(before);
    // No Origin at all (CLIs, SDKs, curl): served.
    expect((await post('/fake/v1/messages', '{"model":"m"}')).status).toBe(200);
  });

  it('accepts only a Host that is exactly an allowed name with an optional numeric port', async () => {
    const before = plugin.calls.length;
    const P = proxy.port;
    const refused = [
      `localhost:${P}@evil.com`, `127.0.0.1:${P}, evil.com`, `evil.com, 127.0.0.1:${P}`, `user@localhost:${P}`,
      `localhost:${P}/x`, `localhost:${P} x`, `localhost:abc`, `localhost:${P}:1`, 'localhost:123456', '[::1', `localhost.evil.com:${P}`,
    ];
    for (const host of refused) {
      const r = await raw(`POST /fake/v1/messages HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"model":"m"}`);
      // Node's parser may refuse some of these itself (400); none may reach the route.
      expect(r, host).toMatch(/^HTTP\/1\.1 (403|400) /);
    }
    const empty = await raw('POST /fake/v1/messages HTTP/1.1\r\nHost:\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"model":"m"}');
    expect(empty).toMatch(/^HTTP\/1\.1 (403|400) /);
    const twice = await raw(`POST /fake/v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${P}\r\nHost: evil.com\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"model":"m"}`);
    expect(twice).toMatch(/^HTTP\/1\.1 (403|400) /);
    expect(plugin.calls.length).toBe(before);
    for (const host of ['localhost', `LOCALHOST:${P}`, `127.0.0.1:${P}`, `[::1]:${P}`]) {
      const r = await raw(`POST /fake/v1/messages HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"model":"m"}`);
      expect(r, host).toMatch(/^HTTP\/1\.1 200 /);
    }
  });

  it('413 request_too_large in the route format', async () => {
    const big = JSON.stringify({ model: 'm', pad: 'x'.repeat(4096) });
    const a = await post('/fake/v1/messages', big);
    expect(a.status).toBe(413);
    expect(json(a)).toEqual({ type: 'error', error: { type: 'request_too_large', message: expect.any(String) }, request_id: a.headers['x-request-id'] });
    const o = await post('/fake/v1/chat/completions', big);
    expect(o.status).toBe(413);
    expect(json(o)).toMatchObject({ error: { type: 'invalid_request_error', code: 'request_too_large' } });
  });

  it('400 for malformed JSON, non-object bodies and invalid UTF-8, in the route format', async () => {
    const a = await post('/fake/v1/messages', '{"model": ');
    expect(a.status).toBe(400);
    expect(json(a)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const arr = await post('/fake/v1/responses', '[1,2]');
    expect(arr.status).toBe(400);
    expect(json(arr)).toMatchObject({ error: { type: 'invalid_request_error' } });
    const bad = await rawRequest(`${proxy.url}/fake/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expect(bad.status).toBe(400);
    expect(json(bad)).toMatchObject({ error: { message: expect.stringContaining('UTF-8') } });
    const empty = await post('/fake/v1/messages', '');
    expect(empty.status).toBe(400);
  });

  it('404 and 405 in the format the path implies', async () => {
    const a = await rawRequest(`${proxy.url}/nope/v1/messages`, { method: 'POST', body: '{}' });
    expect(a.status).toBe(404);
    expect(json(a)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const o = await rawRequest(`${proxy.url}/nope/v1/chat/completions`);
    expect(o.status).toBe(404);
    expect(json(o)).toMatchObject({ error: { type: 'not_found_error' } });
    const m = await rawRequest(`${proxy.url}/fake/v1/messages`, { method: 'DELETE' });
    expect(m.status).toBe(405);
    expect(m.headers.allow).toBe('POST');
    expect(json(m)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});

describe('with server.auth_token', () => {
  let proxy: RunningProxy;
  const plugin = fakeProvider({ name: 'fake' });

  beforeAll(async () => {
    proxy = await startProxy({
      env: {},
      overrides: { server: { port: 0, auth_token: TOKEN, cors_origins: ['https://app.example'] }, logging: { level: 'silent' } },
      plugins: [plugin],
    });
  });
  afterAll(() => proxy.close());

  it('requires the token on every route but /health*', async () => {
    const none = await rawRequest(`${proxy.url}/fake/v1/messages`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(none.status).toBe(401);
    expect(json(none)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const wrong = await rawRequest(`${proxy.url}/fake/v1/chat/completions`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(json(wrong)).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
    const prefixOnly = await rawRequest(`${proxy.url}/plugins`, { headers: { 'x-api-key': TOKEN.slice(0, -1) } });
    expect(prefixOnly.status).toBe(401);
    const bearer = await rawRequest(`${proxy.url}/fake/v1/messages`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    const apiKey = await rawRequest(`${proxy.url}/plugins`, { headers: { 'x-api-key': TOKEN } });
    expect(apiKey.status).toBe(200);
    for (const path of ['/health', '/health/live', '/health/ready', '/health?x=1']) {
      expect((await rawRequest(`${proxy.url}${path}`)).status, path).toBe(200);
    }
    for (const path of ['/healthz', '/health/../plugins', '/health/x']) {
      expect((await rawRequest(`${proxy.url}${path}`)).status, path).toBe(401);
    }
  });

  it('answers an allowed CORS preflight with 204 and headers, and tags allowed responses', async () => {
    const pre = await rawRequest(`${proxy.url}/fake/v1/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(pre.headers['access-control-allow-headers']).toBe('content-type, x-api-key');
    const r = await rawRequest(`${proxy.url}/fake/v1/messages`, { method: 'POST', body: '{}', headers: { origin: 'https://app.example', 'x-api-key': TOKEN } });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});

describe('binding', () => {
  it('refuses a non-loopback host without an auth token', async () => {
    const err = await startProxy({ env: {}, overrides: { server: { host: '0.0.0.0', port: 0 }, logging: { level: 'silent' } }, plugins: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/auth_token/);
  });

  it('binds a non-loopback host when a token is set', async () => {
    const proxy = await startProxy({ env: {}, overrides: { server: { host: '0.0.0.0', port: 0, auth_token: TOKEN }, logging: { level: 'silent' } }, plugins: [] });
    try {
      const r = await rawRequest(`http://127.0.0.1:${proxy.port}/health/live`);
      expect(r.status).toBe(200);
    } finally {
      await proxy.close();
    }
  });
});

describe('during shutdown', () => {
  it('answers new requests 503 in the route format and closes the connection', async () => {
    const { createHttpApp } = await import('../../../src/core/http/server.js');
    const { providerRoutes } = await import('../../../src/core/http/provider-routes.js');
    const app = createHttpApp();
    app.register(providerRoutes(fakeProvider({ name: 'x' }).createAdapter(), { plugin: 'x' }), { prefix: '/x' });
    await app.ready();
    app.ccproxyHttp!.inflight.startClosing();
    const r = await app.inject({ method: 'POST', url: '/x/v1/messages', payload: { model: 'm' } });
    expect(r.statusCode).toBe(503);
    expect(r.headers.connection).toBe('close');
    expect(r.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Server is shutting down' } });
    await app.close();
  });
});
