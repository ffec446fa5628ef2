/**
 * Two proxy instances sharing account-pool state and credentials through a real Redis (`[state]
 * backend = "redis"`, `credentials_store = "redis"`), three Claude accounts, one fake Anthropic API and one fake OAuth server: one token
 * refresh for 20 concurrent requests over both, cooldowns and affinity honoured across instances,
 * Redis taken away mid-run (both keep serving, /health warns) and brought back empty (they resync).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Redis } from 'ioredis';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FakeAnthropicUpstream, type FakeReply, type RecordedRequest } from '../../fakes/anthropic-upstream.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';
import { RedisServer } from '../../helpers/redis-server.js';
import { credentials } from './harness.js';
import { Agent } from 'undici';
import pino from 'pino';
import { SettingsSchema } from '../../../src/core/config/schema.js';
import { createPoolState } from '../../../src/core/pool/create-state.js';
import type { AuthCommandContext } from '../../../src/core/plugin.js';
import { claudeAuthCommands } from '../../../src/plugins/claude_api/auth/commands.js';
import { ClaudeApiConfigSchema, type ClaudeApiConfig } from '../../../src/plugins/claude_api/config.js';

const NAMES = ['a', 'b', 'c'] as const;
const token = (n: string): string => `sk-ant-oat01-shared-${n}-token`;
/** The fake OAuth server issues `fake-access-1` for account a's (only) refresh. */
const REFRESHED_A = 'fake-access-1';
const accountOf = (r: RecordedRequest): string =>
  r.headers.authorization === `Bearer ${REFRESHED_A}` ? 'a' : NAMES.find((n) => r.headers.authorization === `Bearer ${token(n)}`) ?? '?';
const rateLimited = (retryAfter: string): FakeReply => ({
  kind: 'raw', status: 429, headers: { 'retry-after': retryAfter },
  body: JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'rate limited' } }),
});

const ENCRYPTION_KEY = 'test-only-encryption-key-0123456789';

let redis: RedisServer;
let upstream: FakeAnthropicUpstream;
let oauth: FakeOAuthServer;
let dir: string;
const proxies: RunningProxy[] = [];
const limited = new Set<string>();

beforeAll(async () => {
  redis = await new RedisServer().start();
  upstream = await new FakeAnthropicUpstream().start();
  oauth = await new FakeOAuthServer().start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-pool-redis-'));
  const accounts = [];
  for (const n of NAMES) {
    const file = path.join(dir, `${n}.json`);
    // Account a's token has expired: the first requests must refresh it, once in all.
    const expiresAt = n === 'a' ? Date.now() - 60_000 : Date.now() + 3600_000;
    await fs.writeFile(file, JSON.stringify(credentials({ accessToken: token(n), refreshToken: `refresh-${n}`, expiresAt })), { mode: 0o600 });
    upstream.acceptedTokens.add(token(n));
    accounts.push({ name: n, credentials_file: file });
  }
  upstream.acceptedTokens.add(REFRESHED_A);
  oauth.strictRefreshTokens = true;
  oauth.validRefreshTokens.add('refresh-a');
  const origin = upstream.script;
  upstream.script = (r, i) => (limited.has(accountOf(r)) ? rateLimited('300') : origin(r, i));
  for (let i = 0; i < 2; i++) {
    proxies.push(await startProxy({
      env: { HOME: dir, XDG_DATA_HOME: path.join(dir, 'data') },
      overrides: {
        server: { port: 0 },
        logging: { level: 'silent' },
        enabled_plugins: ['claude_api'],
        state: { backend: 'redis', redis_url: redis.url, key_prefix: 'pooltest', credentials_store: 'redis', encryption_key: ENCRYPTION_KEY },
        plugins: {
          claude_api: {
            base_url: upstream.url,
            oauth: { token_url: oauth.tokenUrl },
            detection: { enabled: false, cache_dir: path.join(dir, 'cache') },
            strategy: 'round_robin',
            accounts,
          },
        },
      },
    }));
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await upstream?.close();
  await oauth?.close();
  await redis?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const conversation = (id: string, turns = 0) => {
  const messages: object[] = [{ role: 'user', content: `conversation ${id}` }];
  for (let i = 1; i <= turns; i++) messages.push({ role: 'assistant', content: `a${i}` }, { role: 'user', content: `turn ${i}` });
  return { model: 'claude-sonnet-4-6', max_tokens: 16, messages };
};

async function post(p: RunningProxy, body: object): Promise<number> {
  const res = await request(`${p.url}/claude/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  await res.body.text();
  return res.statusCode;
}

async function stateCheck(p: RunningProxy): Promise<string | undefined> {
  const res = await request(`${p.url}/health`);
  const doc = (await res.body.json()) as { checks: Record<string, Array<{ status: string }>> };
  return doc.checks.state?.[0]?.status;
}

async function until(what: string, cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two proxy instances sharing Redis', () => {
  it('20 concurrent requests over both instances with an expired token: exactly one refresh', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(proxies[i % 2]!, conversation(`refresh-${i}`))));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(oauth.refreshCalls).toBe(1);
    expect(upstream.messageRequests.some((r) => r.headers.authorization === `Bearer ${REFRESHED_A}`)).toBe(true);
    // The new tokens went to Redis (the file is only the seed), sealed: no token in plain text.
    expect(await fs.readFile(path.join(dir, 'a.json'), 'utf8')).not.toContain(REFRESHED_A);
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('pooltest:*');
      expect(keys).toContain('pooltest:cred:claude_api:a');
      const values = await Promise.all(keys.map(async (k) => ((await client.type(k)) === 'string' ? client.get(k) : JSON.stringify(await client.hgetall(k)))));
      const all = keys.join('\n') + values.join('\n');
      for (const secret of [REFRESHED_A, 'fake-refresh-1', ...NAMES.map(token), ...NAMES.map((n) => `refresh-${n}`)]) expect(all).not.toContain(secret);
    } finally {
      client.disconnect();
    }
  });

  it('affinity holds across instances: each conversation stays on one account whichever instance serves a turn', async () => {
    upstream.requests.length = 0;
    for (let turn = 0; turn < 6; turn++) {
      for (let c = 0; c < 4; c++) expect(await post(proxies[(turn + c) % 2]!, conversation(`pinned-${c}`, turn))).toBe(200);
    }
    const byConversation = new Map<string, Set<string>>();
    for (const r of upstream.messageRequests) {
      const id = JSON.stringify((r.body.messages as Array<{ content: string }>)[0]!.content);
      byConversation.set(id, (byConversation.get(id) ?? new Set()).add(r.headers.authorization as string));
    }
    expect(byConversation.size).toBe(4);
    for (const used of byConversation.values()) expect(used.size).toBe(1);
  });

  it('a cooldown learned by one instance is honoured by the other', async () => {
    limited.add('b');
    upstream.requests.length = 0;
    // Round robin over three: within three new conversations instance 0 meets b.
    for (let i = 0; i < 3; i++) expect(await post(proxies[0]!, conversation(`learn-${i}`))).toBe(200);
    expect(upstream.messageRequests.filter((r) => accountOf(r) === 'b')).toHaveLength(1);
    upstream.requests.length = 0;
    for (let i = 0; i < 6; i++) expect(await post(proxies[1]!, conversation(`honour-${i}`))).toBe(200);
    expect(upstream.messageRequests.map(accountOf)).not.toContain('b');
  });

  it('Redis stopped mid-run: both keep serving and /health warns; restarted empty: both resync', async () => {
    await redis.stop();
    await until('both instances to notice', async () => (await stateCheck(proxies[0]!)) === 'warn' && (await stateCheck(proxies[1]!)) === 'warn');
    for (let i = 0; i < 4; i++) expect(await post(proxies[i % 2]!, conversation(`outage-${i}`))).toBe(200);

    // While Redis is away, instance 0 learns that c is rate limited too.
    limited.add('c');
    upstream.requests.length = 0;
    for (let i = 0; i < 3; i++) expect(await post(proxies[0]!, conversation(`outage-learn-${i}`))).toBe(200);
    expect(upstream.messageRequests.map(accountOf)).toContain('c');

    await redis.start();
    await until('both instances to resync', async () => (await stateCheck(proxies[0]!)) === 'pass' && (await stateCheck(proxies[1]!)) === 'pass');
    // Instance 1 never saw c fail: it knows from what instance 0 wrote back to the new Redis.
    upstream.requests.length = 0;
    for (let i = 0; i < 6; i++) expect(await post(proxies[1]!, conversation(`after-${i}`))).toBe(200);
    const used = upstream.messageRequests.map(accountOf);
    expect(used).not.toContain('c');
    expect(used).not.toContain('b');
  });

  it('auth login claude --account with credentials_store = "redis": sealed in Redis, no file; listed; logout removes it', async () => {
    const settings = SettingsSchema.parse({ state: { backend: 'redis', redis_url: redis.url, key_prefix: 'pooltest', credentials_store: 'redis', encryption_key: ENCRYPTION_KEY } });
    const state = createPoolState(settings.state);
    await state.ready?.();
    const agent = new Agent();
    const dataDir = path.join(dir, 'data', 'ccproxy');
    const config = ClaudeApiConfigSchema.parse({ oauth: { token_url: oauth.tokenUrl, authorize_url: 'https://claude.example.test/oauth/authorize' } });
    const ctx = (printed: string[]): AuthCommandContext<ClaudeApiConfig> => ({
      config, account: 'work', noBrowser: true,
      services: { httpClient: agent, logger: pino({ level: 'silent' }), settings, cacheDir: dir, dataDir, version: 'test', env: { HOME: dir }, state },
      print: (l) => printed.push(l),
      prompt: async () => `the-code#${new URL(printed.find((l) => l.startsWith('https://claude.example.test/'))!).searchParams.get('state')}`,
    });
    const client = new Redis(redis.url);
    try {
      await claudeAuthCommands.login(ctx([]));
      const sealed = await client.get('pooltest:cred:claude_api:work');
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain('fake-access-');
      await expect(fs.stat(path.join(dataDir, 'accounts', 'claude_api', 'work.json'))).rejects.toThrow();
      expect((await claudeAuthCommands.accounts!(ctx([]))).map((a) => a.name)).toContain('work');
      await claudeAuthCommands.logout(ctx([]));
      expect(await client.exists('pooltest:cred:claude_api:work')).toBe(0);
    } finally {
      client.disconnect();
      await state.close();
      await agent.close();
    }
  });
});
