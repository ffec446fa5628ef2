/**
 * OAuth refresh through the real proxy: expired tokens, concurrency (one refresh for 20 requests),
 * a revoked token (401 → refresh → retry once), and a failing refresh (clear 401, file untouched).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { request } from 'undici';
import { credentials, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const EXPIRED = { accessToken: 'sk-ant-oat01-expired', expiresAt: Date.now() - 60_000 };

async function ask(base: string, path = '/v1/messages', body?: object) {
  const res = await request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant-client-dummy' },
    body: JSON.stringify(body ?? { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('claude_api OAuth refresh', () => {
  it('refreshes an expired token once, uses the new one, and rewrites the file atomically keeping foreign fields', async () => {
    h = await startHarness({ creds: credentials(EXPIRED) });
    h.upstream.acceptedTokens.add('fake-access-1');
    const res = await ask(h.base);
    expect(res.status).toBe(200);
    expect(h.oauth.refreshCalls).toBe(1);
    const call = h.oauth.calls[0]!;
    expect(call.contentType).toContain('application/json');
    expect(call.params).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'sk-ant-ort01-refresh-1', client_id: '9d1c250a-e61b-44d9-88ed-5944d1962f5e' });
    expect(h.upstream.messageRequests[0]!.headers.authorization).toBe('Bearer fake-access-1');

    const onDisk = JSON.parse(await fs.readFile(h.credFile, 'utf8'));
    expect(onDisk.claudeAiOauth).toMatchObject({ accessToken: 'fake-access-1', refreshToken: 'fake-refresh-1', subscriptionType: 'max', rateLimitTier: 'default_claude_max_20x' });
    expect(onDisk.claudeAiOauth.expiresAt).toBeGreaterThan(Date.now() + 3000_000);
    expect(onDisk.mcpOAuth).toEqual({ 'some-server': { accessToken: 'mcp-foreign', expiresAt: 1 } });
    expect((await fs.stat(h.credFile)).mode & 0o777).toBe(0o600);
    // No temp or lock files left behind.
    expect((await fs.readdir(`${h.dir}/.claude`)).sort()).toEqual(['.credentials.json']);

    // The next request uses the stored token without another refresh.
    expect((await ask(h.base)).status).toBe(200);
    expect(h.oauth.refreshCalls).toBe(1);
  });

  it('20 concurrent requests with an expired token cause exactly one refresh call', async () => {
    h = await startHarness({ creds: credentials(EXPIRED) });
    h.upstream.acceptedTokens.add('fake-access-1');
    h.oauth.delayMs = 150;
    h.oauth.strictRefreshTokens = true;
    h.oauth.validRefreshTokens.add('sk-ant-ort01-refresh-1');
    const results = await Promise.all(Array.from({ length: 20 }, () => ask(h!.base)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(h.oauth.refreshCalls).toBe(1);
    expect(new Set(h.upstream.messageRequests.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer fake-access-1']));
  });

  it('two proxies sharing one credentials file refresh once between them (lock + re-read)', async () => {
    h = await startHarness({ creds: credentials(EXPIRED) });
    const other = await startHarness({ credFile: h.credFile, config: { oauth: { token_url: h.oauth.tokenUrl } } });
    try {
      for (const up of [h.upstream, other.upstream]) up.acceptedTokens.add('fake-access-1');
      h.oauth.delayMs = 100;
      h.oauth.strictRefreshTokens = true;
      h.oauth.validRefreshTokens.add('sk-ant-ort01-refresh-1');
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => ask(h!.base)),
        ...Array.from({ length: 5 }, () => ask(other.base)),
      ]);
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      // Refresh tokens are single use: a second exchange would have failed with invalid_grant.
      expect(h.oauth.refreshCalls).toBe(1);
      expect(other.oauth.calls).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('a token the upstream rejects (401) is refreshed and the request retried once', async () => {
    h = await startHarness({ creds: credentials({ accessToken: 'sk-ant-oat01-revoked' }) });
    h.upstream.acceptedTokens.add('fake-access-1');
    const res = await ask(h.base);
    expect(res.status).toBe(200);
    expect(h.oauth.refreshCalls).toBe(1);
    expect(h.upstream.messageRequests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-ant-oat01-revoked', 'Bearer fake-access-1']);
  });

  it('a token still rejected after the refresh gives a 401 that says to log in again (no loop)', async () => {
    h = await startHarness({ creds: credentials({ accessToken: 'sk-ant-oat01-revoked' }) });
    const res = await ask(h.base);
    expect(res.status).toBe(401);
    expect((res.body.error as { message: string }).message).toMatch(/rejected the Claude OAuth token even after a refresh: Invalid bearer token; run `ccproxy auth login claude`/);
    expect(h.oauth.refreshCalls).toBe(1);
    expect(h.upstream.messageRequests).toHaveLength(2);
  });

  it('a failing refresh gives a clear 401 in the client API format and leaves the file untouched', async () => {
    h = await startHarness({ creds: credentials(EXPIRED) });
    h.oauth.failWith = { status: 400, error: 'invalid_grant', description: 'Refresh token not found or invalid' };
    const before = await fs.readFile(h.credFile, 'utf8');

    const anthropic = await ask(h.base);
    expect(anthropic.status).toBe(401);
    expect(anthropic.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const msg = (anthropic.body.error as { message: string }).message;
    expect(msg).toContain('refresh failed');
    expect(msg).toContain('invalid_grant');
    expect(msg).toContain('ccproxy auth login claude');
    expect(msg).not.toContain('sk-ant-ort01');

    const openai = await ask(h.base, '/v1/responses', { model: 'gpt-5', input: 'hi' });
    expect(openai.status).toBe(401);
    expect(openai.body).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });

    expect(await fs.readFile(h.credFile, 'utf8')).toBe(before);
    expect(h.upstream.messageRequests).toHaveLength(0);

    const health = await request(`${h.proxy.url}/health`);
    const hb = JSON.stringify(await health.body.json());
    expect(hb).toContain('last token refresh failed');
  });

  it('every refresh, good or failed, is a credential.refreshed event (what the metrics plugin counts)', async () => {
    h = await startHarness({ creds: credentials(EXPIRED) });
    h.upstream.acceptedTokens.add('fake-access-1');
    const seen: Array<{ provider: string; ok: boolean }> = [];
    h.proxy.services.events.on('credential.refreshed', (e) => seen.push({ provider: e.provider, ok: e.ok }));
    expect((await ask(h.base)).status).toBe(200);
    expect(seen).toEqual([{ provider: 'claude_api', ok: true }]);

    // The next refresh fails (the upstream refuses the new token too, the endpoint refuses the grant).
    h.upstream.acceptedTokens.delete('fake-access-1');
    h.oauth.failWith = { status: 400, error: 'invalid_grant', description: 'Refresh token not found or invalid' };
    expect((await ask(h.base)).status).toBe(401);
    expect(seen).toEqual([{ provider: 'claude_api', ok: true }, { provider: 'claude_api', ok: false }]);
  });

  it('a corrupt credentials file is reported and never overwritten', async () => {
    h = await startHarness({ creds: '{"claudeAiOauth": {"accessToken": "tru' });
    const res = await ask(h.base);
    expect(res.status).toBe(401);
    expect((res.body.error as { message: string }).message).toContain('not valid JSON');
    expect(await fs.readFile(h.credFile, 'utf8')).toBe('{"claudeAiOauth": {"accessToken": "tru');
  });
});
