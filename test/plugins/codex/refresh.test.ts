/**
 * Token refresh through the proxy: an expired token is refreshed once (form-encoded, Codex client
 * id) even under 20 concurrent requests, the file is rewritten atomically with foreign fields
 * kept; a 401 from the backend triggers refresh + one retry; a failed refresh is a clear 401 and
 * leaves the file untouched.
 */
import { promises as fs } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { startChatGptBackend, type ChatGptBackend } from '../../fakes/chatgpt-backend.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';
import { ACCOUNT_ID, accessToken, idToken, makeCodexHome, startCodexProxy, type CodexHome, type CodexProxy } from './helpers.js';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

interface Setup {
  backend: ChatGptBackend;
  oauth: FakeOAuthServer;
  home: CodexHome;
  proxy: CodexProxy;
  valid: Set<string>;
}

async function setup(initialAccess: string, validInitially: boolean, removeFile = false): Promise<Setup> {
  const valid = new Set<string>(validInitially ? [initialAccess] : []);
  const oauth = await new FakeOAuthServer({
    extraResponse: () => {
      const access = accessToken(3600);
      valid.add(access);
      return { access_token: access, id_token: idToken() };
    },
  }).start();
  oauth.strictRefreshTokens = true;
  oauth.validRefreshTokens.add('refresh-initial');
  const backend = await startChatGptBackend({ validTokens: () => [...valid], accountId: ACCOUNT_ID, basePrompt: FALLBACK_CODEX_BASE_PROMPT });
  const home = await makeCodexHome({ access: initialAccess });
  if (removeFile) await fs.rm(home.authFile);
  const proxy = await startCodexProxy({ base_url: backend.baseUrl, credentials_file: home.authFile, oauth: { token_url: oauth.tokenUrl } }, home.cacheDir);
  cleanup.push(() => proxy.close(), () => backend.close(), () => oauth.close(), () => home.cleanup());
  return { backend, oauth, home, proxy, valid };
}

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

const message = { model: 'claude-opus-5-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] };

describe('codex token refresh', () => {
  it('20 concurrent requests with an expired token cause exactly one refresh', async () => {
    const s = await setup(accessToken(-60), false);
    s.oauth.delayMs = 150;
    const refreshed: Array<{ provider: string; ok: boolean }> = [];
    s.proxy.proxy.services.events.on('credential.refreshed', (e) => refreshed.push({ provider: e.provider, ok: e.ok }));
    const results = await Promise.all(Array.from({ length: 20 }, () => post(`${s.proxy.url}/codex/v1/messages`, message)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const r of results) expect(r.text).toContain('message_stop');
    expect(s.oauth.refreshCalls).toBe(1);
    // One credential.refreshed event (the metrics plugin's refresh counter).
    expect(refreshed).toEqual([{ provider: 'codex', ok: true }]);
    const call = s.oauth.calls[0];
    expect(call?.contentType).toContain('application/x-www-form-urlencoded');
    expect(call?.params).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-initial', client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' });

    const file = JSON.parse(await fs.readFile(s.home.authFile, 'utf8')) as { tokens: Record<string, string>; foreign_field: unknown; last_refresh: string };
    expect(s.valid.has(file.tokens.access_token ?? '')).toBe(true);
    expect(file.tokens.refresh_token).toBe('fake-refresh-1');
    expect(file.tokens.account_id).toBe(ACCOUNT_ID);
    expect(file.foreign_field).toEqual({ kept: true });
    expect(file.last_refresh).not.toBe('2026-11-01T00:00:00Z');
    expect((await fs.stat(s.home.authFile)).mode & 0o777).toBe(0o600);
  });

  it('a 401 from the backend refreshes and retries once', async () => {
    // Not expired by its claims, but revoked upstream.
    const s = await setup(accessToken(3600), false);
    const res = await post(`${s.proxy.url}/codex/v1/messages`, message);
    expect(res.status).toBe(200);
    expect(s.oauth.refreshCalls).toBe(1);
    expect(s.backend.requests.map((r) => r.rejected?.status ?? 200)).toEqual([401, 200]);
  });

  it('a failed refresh gives the client a clear 401 in its format and leaves the file untouched', async () => {
    const s = await setup(accessToken(-60), false);
    s.oauth.failWith = { status: 400, error: 'invalid_grant', description: 'Refresh token has been revoked' };
    const before = await fs.readFile(s.home.authFile, 'utf8');
    const res = await post(`${s.proxy.url}/codex/v1/messages`, message);
    expect(res.status).toBe(401);
    const body = JSON.parse(res.text) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('authentication_error');
    expect(body.error.message).toMatch(/ccproxy auth login codex/);
    expect(await fs.readFile(s.home.authFile, 'utf8')).toBe(before);

    const chat = await post(`${s.proxy.url}/codex/v1/chat/completions`, { model: 'gpt-5.5', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(401);
    expect((JSON.parse(chat.text) as { error: { type: string } }).error.type).toBe('authentication_error');
  });

  it('missing credentials: 401 that says how to log in, and health fails', async () => {
    const s = await setup(accessToken(3600), true, true);
    const res = await post(`${s.proxy.url}/codex/v1/responses`, { model: 'gpt-5.5', input: 'hi' });
    expect(res.status).toBe(401);
    expect(res.text).toMatch(/auth login codex/);
    const health = await s.proxy.plugin.healthCheck();
    expect(health.status).toBe('fail');
  });
});
