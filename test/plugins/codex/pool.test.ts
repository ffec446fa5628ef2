/**
 * Account pools on codex, through the real proxy runtime against the fake ChatGPT backend: two
 * ChatGPT accounts (two auth.json files), failover before the first byte when one reached its usage
 * limit, cooldown until the reset the backend names, the 429 when every account cools down (in the
 * client's API, with the earliest retry-after), and an account whose token no refresh can fix.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestEvents } from '../../../src/core/events.js';
import { loadSettings } from '../../../src/core/config/load.js';
import { CodexConfigSchema } from '../../../src/plugins/codex/config.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { startChatGptBackend, type ChatGptBackend, type RecordedRequest, type ScriptedTurn } from '../../fakes/chatgpt-backend.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, startCodexProxy, type CodexHome, type CodexProxy } from './helpers.js';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

interface Pool {
  backend: ChatGptBackend;
  oauth: FakeOAuthServer;
  proxy: CodexProxy;
  tokens: { a: string; b: string };
  valid: Set<string>;
  /** Which account a recorded request went out with. */
  accountOf(r: RecordedRequest): string;
  /** The reply per account (default: a plain answer). */
  reply: Partial<Record<'a' | 'b', ScriptedTurn>>;
  completed: Array<RequestEvents['request.completed']>;
  home: CodexHome;
}

const usageLimit = (resetsInSeconds: number): ScriptedTurn => ({
  httpError: {
    status: 429,
    body: { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus', resets_in_seconds: resetsInSeconds } },
  },
});

async function startPool(strategy: string): Promise<Pool> {
  const tokens = { a: accessToken(3600), b: accessToken(3600) };
  const valid = new Set<string>([tokens.a, tokens.b]);
  const oauth = await new FakeOAuthServer().start();
  const reply: Pool['reply'] = {};
  const accountOf = (r: RecordedRequest): string => {
    const t = String(r.headers.authorization ?? '').replace(/^Bearer /, '');
    return t === tokens.a ? 'a' : t === tokens.b ? 'b' : '?';
  };
  const backend = await startChatGptBackend({
    validTokens: () => [...valid],
    accountId: ACCOUNT_ID,
    basePrompt: FALLBACK_CODEX_BASE_PROMPT,
    respond: (r) => reply[accountOf(r) as 'a' | 'b'] ?? { text: `served by ${accountOf(r)}` },
  });
  const home = await makeCodexHome({ access: tokens.a, refresh: 'refresh-a' });
  const fileB = path.join(home.dir, 'b.json');
  const auth = JSON.parse(await fs.readFile(home.authFile, 'utf8')) as { tokens: Record<string, string> };
  await fs.writeFile(fileB, JSON.stringify({ ...auth, tokens: { ...auth.tokens, access_token: tokens.b, refresh_token: 'refresh-b' } }), { mode: 0o600 });
  const proxy = await startCodexProxy({
    base_url: backend.baseUrl,
    oauth: { token_url: oauth.tokenUrl },
    strategy,
    accounts: [{ name: 'a', credentials_file: home.authFile }, { name: 'b', credentials_file: fileB }],
  }, home.cacheDir, { env: { HOME: home.dir, XDG_DATA_HOME: path.join(home.dir, 'data') } });
  const completed: Pool['completed'] = [];
  proxy.proxy.services.events.on('request.completed', (e) => completed.push(e));
  cleanup.push(() => proxy.close(), () => backend.close(), () => oauth.close(), () => home.cleanup());
  return { backend, oauth, proxy, tokens, valid, accountOf, reply, completed, home };
}

async function post(url: string, body: unknown): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const message = (text: string, stream = true) => ({ model: 'claude-opus-5-5', max_tokens: 100, stream, messages: [{ role: 'user', content: text }] });

type Health = { status: string; output?: string; details: { accounts: Array<{ name: string; state: string; until?: string; reason?: string; requests: number; tokens: number }> } };
async function health(p: Pool): Promise<Health> {
  const doc = (await (await fetch(`${p.proxy.url}/health`)).json()) as { checks: Record<string, Health[]> };
  return doc.checks['plugin:codex']![0]!;
}

describe('codex account pool', () => {
  it('A reached its usage limit (reset 30 s ahead): B serves with no client-visible error, and A is skipped until the reset', async () => {
    const p = await startPool('fill_first');
    p.reply.a = usageLimit(30);
    const first = await post(`${p.proxy.url}/codex/v1/messages`, message('hello'));
    expect(first.status).toBe(200);
    expect(first.text).toContain('message_stop');
    expect(first.text).not.toContain('event: error');
    expect(p.backend.requests.map(p.accountOf)).toEqual(['a', 'b']);

    p.backend.requests.length = 0;
    for (let i = 0; i < 3; i++) expect((await post(`${p.proxy.url}/codex/v1/messages`, message(`conversation ${i}`, false))).status).toBe(200);
    expect(p.backend.requests.map(p.accountOf)).toEqual(['b', 'b', 'b']);

    const check = await health(p);
    expect(check.status).toBe('warn');
    const a = check.details.accounts.find((x) => x.name === 'a')!;
    expect(a.state).toBe('cooling');
    expect(a.reason).toContain('usage limit');
    expect(Date.parse(a.until!)).toBeGreaterThan(Date.now() + 20_000);
    expect(Date.parse(a.until!)).toBeLessThan(Date.now() + 40_000);
    const b = check.details.accounts.find((x) => x.name === 'b')!;
    expect(b).toMatchObject({ state: 'ready', requests: 4 });

    // The access log and other observers learn which account served, by name.
    await expect.poll(() => p.completed.length).toBe(4);
    expect(p.completed.map((e) => e.account)).toEqual(['b', 'b', 'b', 'b']);
    await expect.poll(async () => (await health(p)).details.accounts.find((x) => x.name === 'b')!.tokens).toBeGreaterThan(0);

    const plugins = (await (await fetch(`${p.proxy.url}/plugins`)).json()) as { plugins: Array<{ name: string; accounts?: unknown }> };
    expect(plugins.plugins.find((x) => x.name === 'codex')!.accounts).toEqual({ codex: ['a', 'b'] });
    const shown = JSON.stringify(check) + JSON.stringify(plugins);
    for (const t of [p.tokens.a, p.tokens.b, 'refresh-a', 'refresh-b']) expect(shown).not.toContain(t);
  });

  it('every account at its limit: 429 in the client\'s API with the earliest retry-after, and no upstream call until a reset', async () => {
    const p = await startPool('round_robin');
    p.reply.a = usageLimit(3000);
    p.reply.b = usageLimit(90);
    const res = await post(`${p.proxy.url}/codex/v1/messages`, message('hello'));
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(90);
    const body = JSON.parse(res.text) as { type: string; error: { type: string } };
    expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(p.backend.requests).toHaveLength(2);

    for (const [route, req] of [
      ['chat/completions', { model: 'gpt-5.5', messages: [{ role: 'user', content: 'hi' }] }],
      ['responses', { model: 'gpt-5.5', input: 'hi' }],
    ] as const) {
      const r = await post(`${p.proxy.url}/codex/v1/${route}`, req);
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(90);
      expect((JSON.parse(r.text) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    }
    expect(p.backend.requests).toHaveLength(2);
  });

  it('an account whose token no refresh can fix is marked failing, and B serves', async () => {
    const p = await startPool('fill_first');
    p.valid.delete(p.tokens.a);
    p.oauth.failWith = { status: 400, error: 'invalid_grant', description: 'Refresh token has been revoked' };
    const res = await post(`${p.proxy.url}/codex/v1/messages`, message('hello', false));
    expect(res.status).toBe(200);
    expect(res.text).toContain('served by b');
    const check = await health(p);
    expect(check.status).toBe('warn');
    expect(check.details.accounts.find((x) => x.name === 'a')!.state).toBe('failing');
    expect(check.output).toContain('account a');

    // Only A is out: the provider keeps serving through B.
    p.backend.requests.length = 0;
    expect((await post(`${p.proxy.url}/codex/v1/messages`, message('again'))).status).toBe(200);
    expect(p.backend.requests.map(p.accountOf)).toEqual(['b']);
  });

  it('20 turns of one conversation stay on one account; a usage limit moves it, and it stays moved', async () => {
    const p = await startPool('round_robin');
    const turn = (n: number) => {
      const messages: object[] = [{ role: 'user', content: 'Start the task please.' }];
      for (let i = 1; i <= n; i++) messages.push({ role: 'assistant', content: `answer ${i}` }, { role: 'user', content: `turn ${i}` });
      return { model: 'claude-opus-5-5', max_tokens: 100, system: 'You are a helpful assistant.', messages };
    };
    for (let n = 0; n < 20; n++) expect((await post(`${p.proxy.url}/codex/v1/messages`, turn(n))).status).toBe(200);
    const used = new Set(p.backend.requests.map(p.accountOf));
    expect(used.size).toBe(1);
    const home = [...used][0] as 'a' | 'b';
    const other = home === 'a' ? 'b' : 'a';

    p.backend.requests.length = 0;
    p.reply[home] = usageLimit(600);
    for (let n = 20; n < 25; n++) expect((await post(`${p.proxy.url}/codex/v1/messages`, turn(n))).status).toBe(200);
    expect(p.backend.requests.map(p.accountOf)).toEqual([home, other, other, other, other, other]);
  });

  it('from the environment: PLUGINS__CODEX__ACCOUNTS as one JSON list, PLUGINS__CODEX__STRATEGY', async () => {
    const home = await makeCodexHome({ access: accessToken(3600) });
    cleanup.push(() => home.cleanup());
    const { settings } = await loadSettings({
      cwd: home.dir,
      env: { HOME: home.dir, PLUGINS__CODEX__ACCOUNTS: JSON.stringify([{ name: 'plus', credentials_file: home.authFile }, { name: 'team', weight: 2 }]), PLUGINS__CODEX__STRATEGY: 'least_used' },
    });
    const config = CodexConfigSchema.parse(settings.plugins.codex);
    expect(config.strategy).toBe('least_used');
    expect(config.accounts).toEqual([
      { name: 'plus', credentials_file: home.authFile, weight: 1, enabled: true },
      { name: 'team', weight: 2, enabled: true },
    ]);
    expect(CodexConfigSchema.safeParse({ accounts: [{ name: 'x' }, { name: 'x' }] }).success).toBe(false);
  });
});
