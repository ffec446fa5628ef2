/**
 * Credentials are never corrupted or lost:
 *  - a corrupt credentials file (claude_api and codex) is reported to the client and in /health,
 *    and never overwritten;
 *  - two proxy processes and a simulated Claude Code CLI all refreshing the same file at once,
 *    against a token server whose refresh tokens are single use, lose no refresh token (every
 *    request succeeds, the file's refresh token is still valid) and leave valid JSON with the
 *    foreign fields intact.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { FakeOAuthServer } from '../fakes/oauth-server.js';
import { FaultUpstream } from '../fakes/fault-upstream.js';
import { startProxy } from '../../src/core/runtime.js';
import { anthropicBody, chatBody, post, startTestProxy } from './helpers.js';
import { fixture, killChildren, runScript, startProxyChild } from './children.js';

let dir = '';
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-rel-creds-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));
afterEach(() => killChildren());

describe('a corrupt credentials file', () => {
  it('claude_api: reported (401 + /health), never overwritten', async () => {
    const file = path.join(dir, 'corrupt-claude.json');
    const corrupt = '{"claudeAiOauth": {"accessToken": "sk-ant-oat01-half';
    await fs.writeFile(file, corrupt, { mode: 0o600 });
    const before = await fs.stat(file);
    const upstream = await new FaultUpstream().start();
    const proxy = await startProxy({
      env: { HOME: dir },
      overrides: {
        server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['claude_api'],
        plugins: { claude_api: { base_url: upstream.url, credentials_file: file, detection: { enabled: false, cache_dir: path.join(dir, 'cache') } } },
      },
    });
    try {
      for (const [p, body] of [['/claude/v1/messages', anthropicBody(false)], ['/claude/v1/chat/completions', chatBody(true)]] as const) {
        const r = await post(`${proxy.url}${p}`, body);
        expect(r.status).toBe(401);
        expect(r.body).toContain('not valid JSON');
      }
      const health = await (await fetch(`${proxy.url}/health`)).text();
      expect(health).toMatch(/not valid JSON|corrupt|invalid/i);
      expect(upstream.requests).toHaveLength(0);
    } finally {
      await proxy.close();
      await upstream.close();
    }
    expect(await fs.readFile(file, 'utf8')).toBe(corrupt);
    expect((await fs.stat(file)).mtimeMs).toBe(before.mtimeMs);
    expect(await fs.readdir(dir)).not.toContain('corrupt-claude.json.lock');
  });

  it('codex: reported, never overwritten', async () => {
    const upstream = await new FaultUpstream().start();
    const corrupt = '{"tokens": {"access_token": ';
    const t = await startTestProxy(upstream.url, { beforeStart: (home) => fs.writeFile(home.authFile, corrupt) });
    try {
      const r = await post(`${t.proxy.url}/codex/v1/messages`, anthropicBody(false));
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(JSON.parse(r.body)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      expect(upstream.requests).toHaveLength(0);
      expect(r.body).toContain('not valid JSON');
      // /health fails the codex check and says the file is unreadable, not missing.
      const health = (await (await fetch(`${t.proxy.url}/health`)).json()) as { checks: Record<string, Array<{ status: string; output?: string; details?: { credentials?: string } }>> };
      const check = health.checks['plugin:codex']![0]!;
      expect(check.status).toBe('fail');
      expect(check.details?.credentials).toBe('unreadable');
      expect(check.output).toContain('not valid JSON');
      expect(await fs.readFile(t.codexHome.authFile, 'utf8')).toBe(corrupt);
    } finally {
      await t.close();
      await upstream.close();
    }
  });
});

describe('concurrent refresh across processes', () => {
  it('two proxies and a CLI refreshing one file lose no refresh token and leave valid JSON', async () => {
    const upstream = await new FakeAnthropicUpstream().start();
    // Every access token the token server will hand out is good upstream.
    for (let i = 1; i <= 400; i++) upstream.acceptedTokens.add(`fake-access-${i}`);
    upstream.acceptedTokens.add('sk-ant-oat01-initial');
    // Tokens expire in 60 s, inside the proxies' 300 s refresh margin: every request refreshes.
    const oauth = await new FakeOAuthServer({ expiresIn: 60 }).start();
    oauth.strictRefreshTokens = true;
    oauth.validRefreshTokens.add('sk-ant-ort01-initial');
    oauth.delayMs = 20;
    const file = path.join(dir, 'shared', '.credentials.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify({
      claudeAiOauth: { accessToken: 'sk-ant-oat01-initial', refreshToken: 'sk-ant-ort01-initial', expiresAt: Date.now() + 60_000, subscriptionType: 'max', rateLimitTier: 'tier-x' },
      mcpOAuth: { server: { accessToken: 'foreign' } },
    }, null, 2), { mode: 0o600 });

    const overrides = {
      server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['claude_api'],
      plugins: { claude_api: { base_url: upstream.url, credentials_file: file, oauth: { token_url: oauth.tokenUrl }, detection: { enabled: false, cache_dir: path.join(dir, 'cache') } } },
    };
    try {
      const [a, b] = await Promise.all([startProxyChild(overrides, dir), startProxyChild(overrides, dir)]);
      const cli = runScript(fixture('cli-refresher.ts'), [file, oauth.tokenUrl, '8']);
      // Waves of concurrent requests on both proxies while the CLI refreshes too.
      const statuses: number[] = [];
      for (let wave = 0; wave < 4; wave++) {
        const replies = await Promise.all([a.url, b.url].flatMap((u) => Array.from({ length: 5 }, () => post(`${u}/claude/v1/messages`, anthropicBody(false)))));
        statuses.push(...replies.map((r) => r.status));
        const failed = replies.find((r) => r.status !== 200);
        expect(failed?.body ?? '').toBe('');
      }
      const cliResult = await cli.done;
      expect(cliResult.code, cliResult.stderr).toBe(0);
      expect(statuses.every((s) => s === 200)).toBe(true);

      const content = JSON.parse(await fs.readFile(file, 'utf8')) as { claudeAiOauth: Record<string, unknown>; mcpOAuth: unknown };
      // The file's refresh token is the newest one issued and still redeemable: nothing was lost.
      expect(oauth.validRefreshTokens.has(String(content.claudeAiOauth.refreshToken))).toBe(true);
      expect(oauth.validRefreshTokens.size).toBe(1);
      // Refresh tokens are single use: a stale one would have been refused with invalid_grant.
      expect(oauth.refreshCalls).toBeGreaterThanOrEqual(9);
      expect(content.claudeAiOauth).toMatchObject({ subscriptionType: 'max', rateLimitTier: 'tier-x' });
      expect(content.mcpOAuth).toEqual({ server: { accessToken: 'foreign' } });
      expect((await fs.readdir(path.dirname(file))).sort()).toEqual(['.credentials.json']);

      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      expect(await a.exit).toBe(0);
      expect(await b.exit).toBe(0);
    } finally {
      await upstream.close();
      await oauth.close();
    }
  });
});
