/**
 * Account pools on claude_api, through the real proxy runtime against the fake Anthropic API: two
 * Claude accounts (two credentials files), failover before the first byte when one is rate limited,
 * cooldown until its reset, the 429 when every account cools down, conversation affinity, and an
 * account whose credentials no refresh can fix.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Harness } from './harness.js';
import { TOKEN_A, accountOf, rateLimited, startPool } from './pool-harness.js';
import { text } from '../../fakes/anthropic-upstream.js';

async function post(h: Harness, p: string, body: object, headers: Record<string, string> = {}) {
  const res = await request(`${h.base}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client-dummy', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

const turn = (n: number, system = 'You are a helpful assistant.', first = 'Start the task please.') => {
  const messages: object[] = [{ role: 'user', content: [{ type: 'text', text: first, ...(n === 0 ? { cache_control: { type: 'ephemeral' } } : {}) }] }];
  for (let i = 1; i <= n; i++) {
    messages.push({ role: 'assistant', content: `answer ${i}` });
    messages.push({ role: 'user', content: [{ type: 'text', text: `turn ${i}`, cache_control: { type: 'ephemeral' } }] });
  }
  return { model: 'claude-sonnet-4-6', max_tokens: 32, system, messages };
};

async function health(h: Harness): Promise<{ status: string; checks: Record<string, Array<{ status: string; output: string; details: { accounts: Array<{ name: string; state: string; until?: string }> } }>> }> {
  const res = await request(`${h.proxy.url}/health`);
  return (await res.body.json()) as never;
}

describe('claude_api account pool: fill_first', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPool('fill_first');
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.upstream.requests.length = 0;
  });

  it('A answers 429 with a reset 30 s ahead: B serves with no client-visible error, A is skipped until the reset', async () => {
    h.upstream.script = (r) => (accountOf(r) === 'a' ? rateLimited('30') : text('served'));
    const first = await post(h, '/v1/messages', turn(0));
    expect(first.status).toBe(200);
    expect(first.text).toContain('served');
    expect(h.upstream.messageRequests.map(accountOf)).toEqual(['a', 'b']);

    // A cools down: the next requests go straight to B, A is not even asked.
    h.upstream.requests.length = 0;
    for (let i = 0; i < 3; i++) expect((await post(h, '/v1/messages', turn(0, `s${i}`))).status).toBe(200);
    expect(h.upstream.messageRequests.map(accountOf)).toEqual(['b', 'b', 'b']);

    const doc = await health(h);
    const accounts = doc.checks['plugin:claude_api']![0]!.details.accounts;
    const a = accounts.find((x) => x.name === 'a')!;
    expect(a.state).toBe('cooling');
    const until = Date.parse(a.until!);
    expect(until).toBeGreaterThan(Date.now() + 20_000);
    expect(until).toBeLessThan(Date.now() + 40_000);
    expect(accounts.find((x) => x.name === 'b')!.state).toBe('ready');
    expect(JSON.stringify(doc)).not.toContain(TOKEN_A);
  });

  it('/plugins names the accounts (names only)', async () => {
    const res = await request(`${h.proxy.url}/plugins`);
    const doc = (await res.body.json()) as { plugins: Array<{ name: string; accounts?: Record<string, string[]> }> };
    expect(doc.plugins.find((p) => p.name === 'claude_api')!.accounts).toEqual({ claude_api: ['a', 'b'] });
    expect(JSON.stringify(doc)).not.toContain(TOKEN_A);
  });
});

describe('claude_api account pool: resets and all cooling', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startPool('fill_first');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('A is used again once its (short) reset has passed', async () => {
    let aLimited = true;
    h.upstream.script = (r) => (accountOf(r) === 'a' && aLimited ? rateLimited('1') : text('served'));
    expect((await post(h, '/v1/messages', turn(0))).status).toBe(200);
    expect(h.upstream.messageRequests.map(accountOf)).toEqual(['a', 'b']);
    aLimited = false;
    // Poll (generous bound) until a new conversation goes to A again: its cooldown of ~1 s has
    // ended. (The first conversation stays on B: affinity moves it only when B cools down.)
    const deadline = Date.now() + 60_000;
    let servedBy = '';
    for (let i = 0; Date.now() < deadline; i++) {
      h.upstream.requests.length = 0;
      expect((await post(h, '/v1/messages', turn(0, `conversation ${i}`))).status).toBe(200);
      servedBy = h.upstream.messageRequests.map(accountOf).join(',');
      if (servedBy === 'a') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(servedBy).toBe('a');
    await h.close();
  });

  it('every account cooling down: 429 in the client\'s API with the earliest retry-after, and no upstream call until a reset', async () => {
    h.upstream.script = (r) => (accountOf(r) === 'a' ? rateLimited('300') : rateLimited('90'));
    const res = await post(h, '/v1/messages', turn(0));
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(90);
    const body = JSON.parse(res.text) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('rate_limit_error');
    expect(h.upstream.messageRequests).toHaveLength(2);

    // OpenAI clients get it in their own format, without another upstream call.
    const chat = await request(`${h.base}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.statusCode).toBe(429);
    expect(Number(chat.headers['retry-after'])).toBeLessThanOrEqual(90);
    const chatBody = (await chat.body.json()) as { error: { type: string } };
    expect(chatBody.error.type).toBe('rate_limit_error');
    expect(h.upstream.messageRequests).toHaveLength(2);
    await h.close();
  });

  it('anthropic-ratelimit-unified-reset (epoch seconds) decides the cooldown when retry-after is shorter', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    h.upstream.script = (r) => (accountOf(r) === 'a' ? rateLimited('5', { 'anthropic-ratelimit-unified-reset': String(reset) }) : rateLimited('120'));
    const res = await post(h, '/v1/messages', turn(0));
    expect(res.status).toBe(429);
    // B (120 s) resets first; A's window reset (600 s) wins over its retry-after of 5 s.
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(100);
    const a = (await health(h)).checks['plugin:claude_api']![0]!.details.accounts.find((x) => x.name === 'a')!;
    expect(Math.abs(Date.parse(a.until!) - reset * 1000)).toBeLessThan(2000);
    await h.close();
  });

  it('an account whose token no refresh can fix is marked failing and B serves', async () => {
    h.upstream.acceptedTokens.delete(TOKEN_A);
    h.oauth.failWith = { status: 400, error: 'invalid_grant', description: 'Refresh token revoked' };
    h.upstream.script = () => text('served');
    const res = await post(h, '/v1/messages', turn(0));
    expect(res.status).toBe(200);
    expect(h.upstream.messageRequests.map(accountOf)).toEqual(['a', 'b']);
    const doc = await health(h);
    const check = doc.checks['plugin:claude_api']![0]!;
    expect(check.status).toBe('warn');
    expect(check.details.accounts.find((x) => x.name === 'a')!.state).toBe('failing');
    expect(check.output).toContain('account a');
    await h.close();
  });
});

describe('claude_api account pool: conversation affinity (round_robin)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startPool('round_robin');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('20 turns of one conversation stay on one account while distinct conversations spread; a cooldown moves it, and it stays moved', async () => {
    h.upstream.script = () => text('ok');
    for (let n = 0; n < 20; n++) expect((await post(h, '/v1/messages', turn(n))).status).toBe(200);
    const used = new Set(h.upstream.messageRequests.map(accountOf));
    expect(used.size).toBe(1);
    const home = [...used][0]!;

    h.upstream.requests.length = 0;
    for (let i = 0; i < 6; i++) await post(h, '/v1/messages', turn(0, 'Other system', `other conversation ${i}`));
    expect(new Set(h.upstream.messageRequests.map(accountOf))).toEqual(new Set(['a', 'b']));

    // The home account hits its limit: the conversation moves to the other one and stays there.
    h.upstream.requests.length = 0;
    h.upstream.script = (r) => (accountOf(r) === home ? rateLimited('300') : text('ok'));
    for (let n = 20; n < 25; n++) expect((await post(h, '/v1/messages', turn(n))).status).toBe(200);
    const after = h.upstream.messageRequests.map(accountOf);
    expect(after[0]).toBe(home);
    expect(new Set(after.slice(1))).toEqual(new Set([home === 'a' ? 'b' : 'a']));
    expect(after).toHaveLength(6);
  });

  it('x-session-id pins whatever the content', async () => {
    h.upstream.script = () => text('ok');
    h.upstream.requests.length = 0;
    for (let i = 0; i < 6; i++) await post(h, '/v1/messages', turn(0, `system ${i}`, `first ${i}`), { 'x-session-id': 'session-42' });
    expect(new Set(h.upstream.messageRequests.map(accountOf)).size).toBe(1);
  });
});
