/**
 * codex accounts shared by two proxy instances through a real Redis (`[state] backend = "redis"`,
 * `credentials_store = "redis"`): 20 concurrent requests over both with an expired token cause one
 * token refresh in all (the refresh lock per account), no token sits in Redis in plain text, a
 * usage limit learned by one instance is honoured by the other, and `ccproxy auth login codex
 * --account` stores the account's tokens sealed in Redis.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { Redis } from 'ioredis';
import pino from 'pino';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { SettingsSchema } from '../../../src/core/config/schema.js';
import { createPoolState } from '../../../src/core/pool/create-state.js';
import type { AuthCommandContext } from '../../../src/core/plugin.js';
import { codexAuthCommands } from '../../../src/plugins/codex/auth/commands.js';
import { CodexConfigSchema, type CodexConfig } from '../../../src/plugins/codex/config.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { startChatGptBackend, type ChatGptBackend, type RecordedRequest } from '../../fakes/chatgpt-backend.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';
import { RedisServer } from '../../helpers/redis-server.js';
import { ACCOUNT_ID, accessToken, idToken } from './helpers.js';

const ENCRYPTION_KEY = 'test-only-encryption-key-codex-0123456789';
const PREFIX = 'codexpool';

let redis: RedisServer;
let backend: ChatGptBackend;
let oauth: FakeOAuthServer;
let dir: string;
const proxies: RunningProxy[] = [];
const valid = new Set<string>();
/** Access tokens the fake OAuth server issued (refreshes and logins). */
const issued: string[] = [];
const tokens = { a: accessToken(-60), b: accessToken(3600) };
const limited = new Set<string>();

const accountOf = (r: RecordedRequest): string => {
  const t = String(r.headers.authorization ?? '').replace(/^Bearer /, '');
  return t === tokens.b ? 'b' : t === tokens.a || issued.includes(t) ? 'a' : '?';
};

const stateSettings = { backend: 'redis', redis_url: '', key_prefix: PREFIX, credentials_store: 'redis', encryption_key: ENCRYPTION_KEY };

beforeAll(async () => {
  redis = await new RedisServer().start();
  stateSettings.redis_url = redis.url;
  oauth = await new FakeOAuthServer({
    extraResponse: () => {
      const access = accessToken(3600);
      issued.push(access);
      valid.add(access);
      return { access_token: access, id_token: idToken() };
    },
  }).start();
  oauth.strictRefreshTokens = true;
  oauth.validRefreshTokens.add('refresh-a');
  oauth.delayMs = 100;
  valid.add(tokens.b);
  backend = await startChatGptBackend({
    validTokens: () => [...valid],
    accountId: ACCOUNT_ID,
    basePrompt: FALLBACK_CODEX_BASE_PROMPT,
    respond: (r) => (limited.has(accountOf(r))
      ? { httpError: { status: 429, body: { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', resets_in_seconds: 900 } } } }
      : { text: 'ok' }),
  });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-codex-redis-'));
  const accounts = [];
  for (const [name, access] of Object.entries(tokens)) {
    const file = path.join(dir, `${name}.json`);
    await fs.writeFile(file, JSON.stringify({ OPENAI_API_KEY: null, tokens: { id_token: idToken(), access_token: access, refresh_token: `refresh-${name}`, account_id: ACCOUNT_ID } }), { mode: 0o600 });
    accounts.push({ name, credentials_file: file });
  }
  for (let i = 0; i < 2; i++) {
    proxies.push(await startProxy({
      env: { HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CACHE_HOME: path.join(dir, 'cache') },
      overrides: {
        server: { port: 0 },
        logging: { level: 'silent' },
        enabled_plugins: ['codex'],
        state: stateSettings,
        plugins: { codex: { base_url: backend.baseUrl, oauth: { token_url: oauth.tokenUrl }, detection: { enabled: false }, strategy: 'round_robin', accounts } },
      },
    }));
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await backend?.close();
  await oauth?.close();
  await redis?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function post(p: RunningProxy, text: string): Promise<number> {
  const res = await fetch(`${p.url}/codex/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 50, messages: [{ role: 'user', content: text }] }),
  });
  await res.text();
  return res.status;
}

/** Every key and value under the prefix, as text (hashes as JSON). */
async function redisDump(): Promise<string> {
  const client = new Redis(redis.url);
  try {
    const keys = await client.keys(`${PREFIX}:*`);
    const values = await Promise.all(keys.map(async (k) => ((await client.type(k)) === 'string' ? client.get(k) : JSON.stringify(await client.hgetall(k)))));
    return `${keys.join('\n')}\n${values.join('\n')}`;
  } finally {
    client.disconnect();
  }
}

describe('codex accounts on two instances sharing Redis', () => {
  it('20 concurrent requests over both instances with an expired token: exactly one refresh, and no token in Redis in plain text', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(proxies[i % 2]!, `refresh ${i}`)));
    expect(statuses).toEqual(Array(20).fill(200));
    expect(oauth.refreshCalls).toBe(1);
    expect(issued).toHaveLength(1);
    expect(backend.accepted().some((r) => r.headers.authorization === `Bearer ${issued[0]}`)).toBe(true);
    // The file only seeded Redis: the new tokens live there, sealed.
    expect(await fs.readFile(path.join(dir, 'a.json'), 'utf8')).not.toContain(issued[0]);
    const dump = await redisDump();
    expect(dump).toContain(`${PREFIX}:cred:codex:a`);
    for (const secret of [...issued, tokens.a, tokens.b, 'refresh-a', 'refresh-b', 'fake-refresh-1']) expect(dump).not.toContain(secret);
  });

  it('a usage limit learned by one instance is honoured by the other', async () => {
    limited.add('b');
    backend.requests.length = 0;
    for (let i = 0; i < 2; i++) expect(await post(proxies[0]!, `learn ${i}`)).toBe(200);
    expect(backend.requests.filter((r) => accountOf(r) === 'b')).toHaveLength(1);
    backend.requests.length = 0;
    for (let i = 0; i < 4; i++) expect(await post(proxies[1]!, `honour ${i}`)).toBe(200);
    expect(backend.requests.map(accountOf)).toEqual(['a', 'a', 'a', 'a']);
    limited.delete('b');
  });

  it('auth login codex --account with credentials_store = "redis": the tokens go to Redis, sealed, not to a file; logout removes them', async () => {
    const settings = SettingsSchema.parse({ state: stateSettings });
    const state = createPoolState(settings.state);
    await state.ready?.();
    const agent = new Agent();
    const dataDir = path.join(dir, 'data', 'ccproxy');
    const config = CodexConfigSchema.parse({ oauth: { token_url: oauth.tokenUrl, authorize_url: 'https://auth.example.test/oauth/authorize' } });
    const ctx = (out: string[]): AuthCommandContext<CodexConfig> => ({
      config, account: 'team', noBrowser: true,
      services: { httpClient: agent, logger: pino({ level: 'silent' }), settings, cacheDir: dir, dataDir, version: 'test', env: { HOME: dir }, state },
      print: (l) => out.push(l),
      prompt: async () => 'the-code',
    });
    try {
      const out: string[] = [];
      await codexAuthCommands.login(ctx(out));
      expect(out.at(-1)).toContain('account team');
      const dump = await redisDump();
      expect(dump).toContain(`${PREFIX}:cred:codex:team`);
      expect(dump).not.toContain(issued.at(-1));
      await expect(fs.stat(path.join(dataDir, 'accounts', 'codex', 'team.json'))).rejects.toThrow();
      const listed = await codexAuthCommands.accounts!(ctx([]));
      expect(listed.find((a) => a.name === 'team')).toMatchObject({ plan: 'pro' });

      await codexAuthCommands.logout(ctx([]));
      expect(await redisDump()).not.toContain(`${PREFIX}:cred:codex:team`);
    } finally {
      await state.close();
      await agent.close();
    }
  });
});
