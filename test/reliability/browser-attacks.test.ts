/**
 * A web page in the user's browser can reach a local server. With the real plugins loaded, a DNS
 * rebinding `Host`, a cross-origin preflight from a foreign `Origin`, and simple (no-preflight)
 * cross-origin POSTs (loopback origins included: every local dev server serves web pages) are
 * all refused, in the route's error format, and never reach an upstream.
 */
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../core/helpers/http-client.js';
import { anthropicBody, useFaultProxy } from './helpers.js';

const t = useFaultProxy();

const ROUTES = ['/claude/v1/messages', '/claude/v1/chat/completions', '/codex/v1/messages', '/codex/v1/responses'];
const BODY = JSON.stringify(anthropicBody(false));

function expectRefused(path: string, r: { status: number; headers: Record<string, unknown>; body: string }): void {
  expect(r.status, r.body).toBe(403);
  expect(r.headers['access-control-allow-origin']).toBeUndefined();
  const parsed = JSON.parse(r.body) as Record<string, unknown>;
  if (path.includes('/messages')) expect(parsed).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  else expect(parsed).toMatchObject({ error: { type: 'permission_error' } });
}

describe('browser attacks are refused before any upstream call', () => {
  it('DNS rebinding: a foreign Host header', async () => {
    for (const path of ROUTES) {
      const r = await rawRequest(`${t.proxy.url}${path}`, {
        method: 'POST', body: BODY, headers: { host: `attacker.example:${t.proxy.port}`, 'content-type': 'application/json' },
      });
      expectRefused(path, r);
    }
  });

  it('a cross-origin preflight from a foreign Origin', async () => {
    for (const path of ROUTES) {
      const r = await rawRequest(`${t.proxy.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' },
      });
      expectRefused(path, r);
      expect(r.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it('simple cross-origin POSTs (form-encoded, text/plain, opaque "null" origin) carrying a JSON body', async () => {
    const cases = [
      { origin: 'https://attacker.example', type: 'application/x-www-form-urlencoded' },
      { origin: 'http://attacker.example:8080', type: 'text/plain' },
      { origin: 'null', type: 'multipart/form-data; boundary=x' },
      // A page of any local dev server is a web page too.
      { origin: 'http://localhost:3000', type: 'text/plain' },
      { origin: `http://127.0.0.1:${t.proxy.port}`, type: 'application/json' },
    ];
    for (const path of ROUTES) {
      for (const c of cases) {
        const r = await rawRequest(`${t.proxy.url}${path}`, { method: 'POST', body: BODY, headers: { origin: c.origin, 'content-type': c.type } });
        expectRefused(path, r);
      }
    }
  });

  it('none of it reached the upstream, while a same-machine request still works', async () => {
    expect(t.upstream.requests).toHaveLength(0);
    const ok = await rawRequest(`${t.proxy.url}/claude/v1/messages`, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(200);
    expect(t.upstream.requests).toHaveLength(1);
  });
});
