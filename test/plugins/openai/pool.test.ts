/**
 * Several keys per openai instance (`api_keys`), through the real runtime against the fake
 * OpenAI-compatible server: a key answering 429 cools down until its `retry-after` and the next
 * key serves with no client-visible error; every key cooling → 429 in the client's API with the
 * earliest `retry-after`; a refused key fails while the others serve; per instance, and from the
 * environment. No key ever shows in /health or /plugins.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestEvents } from '../../../src/core/events.js';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { keyName } from '../../../src/plugins/openai/config.js';
import { FakeOpenAICompatible, type FakeTurn, type RecordedRequest } from '../../fakes/openai-compatible.js';

const KEY_A = 'sk-pool-key-a-0123456789';
const KEY_B = 'sk-pool-key-b-0123456789';
const A = keyName(KEY_A);
const B = keyName(KEY_B);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const keyOf = (r: RecordedRequest): string => String(r.headers.authorization ?? '').replace(/^Bearer /, '');

interface Setup {
  proxy: RunningProxy;
  upstream: FakeOpenAICompatible;
  /** Reply per key (default: a plain answer). */
  reply: Map<string, FakeTurn>;
  completed: Array<RequestEvents['request.completed']>;
}

async function setup(openai: (upstream: FakeOpenAICompatible) => Record<string, unknown>, env: NodeJS.ProcessEnv = {}, more: Record<string, unknown> = {}): Promise<Setup> {
  const reply = new Map<string, FakeTurn>();
  const upstream = await new FakeOpenAICompatible({ apiKey: KEY_A, respond: (r) => reply.get(keyOf(r)) ?? { text: `served by ${keyOf(r) === KEY_A ? 'a' : 'b'}` } }).start();
  upstream.extraKeys.add(KEY_B);
  const proxy = await startProxy({ env, overrides: { server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['openai', ...Object.keys(more)], plugins: { openai: openai(upstream), ...more } } });
  const completed: Setup['completed'] = [];
  proxy.services.events.on('request.completed', (e) => completed.push(e));
  cleanups.push(() => upstream.close(), () => proxy.close());
  return { proxy, upstream, reply, completed };
}

const client = (s: Setup, prefix = '/openai'): OpenAI => new OpenAI({ baseURL: `${s.proxy.url}${prefix}/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 });
const ask = (s: Setup, text: string, prefix?: string) => client(s, prefix).chat.completions.create({ model: 'gpt-test-1', messages: [{ role: 'user', content: text }] });
const rateLimited = (retryAfter: string): FakeTurn => ({ httpError: { status: 429, message: 'Rate limit reached for requests', code: 'rate_limit_exceeded', retryAfter } });

type Check = { status: string; output?: string; details: Record<string, { accounts?: Array<{ name: string; state: string; until?: string; requests: number; tokens: number }> }> };
async function health(s: Setup): Promise<Check> {
  const doc = (await (await fetch(`${s.proxy.url}/health`)).json()) as { checks: Record<string, Check[]> };
  return doc.checks['plugin:openai']![0]!;
}

describe('openai api_keys', () => {
  it('a key answering 429 cools down until its retry-after; the next key serves with no client-visible error', async () => {
    const s = await setup((u) => ({ base_url: u.baseUrl, api_keys: [KEY_A, KEY_B], strategy: 'fill_first' }));
    s.reply.set(KEY_A, rateLimited('30'));
    const answer = await ask(s, 'hello');
    expect(answer.choices[0]!.message.content).toBe('served by b');
    expect(s.upstream.modelRequests.map(keyOf)).toEqual([KEY_A, KEY_B]);

    s.upstream.requests.length = 0;
    for (let i = 0; i < 3; i++) await ask(s, `conversation ${i}`);
    expect(s.upstream.modelRequests.map(keyOf)).toEqual([KEY_B, KEY_B, KEY_B]);

    const check = await health(s);
    expect(check.status).toBe('warn');
    const accounts = check.details.openai!.accounts!;
    const a = accounts.find((x) => x.name === A)!;
    expect(a.state).toBe('cooling');
    expect(Date.parse(a.until!)).toBeGreaterThan(Date.now() + 20_000);
    expect(Date.parse(a.until!)).toBeLessThan(Date.now() + 40_000);
    expect(accounts.find((x) => x.name === B)).toMatchObject({ state: 'ready', requests: 4 });

    await expect.poll(() => s.completed.length).toBe(4);
    expect(new Set(s.completed.map((e) => e.account))).toEqual(new Set([B]));

    const plugins = (await (await fetch(`${s.proxy.url}/plugins`)).json()) as { plugins: Array<{ name: string; accounts?: unknown }> };
    expect(plugins.plugins.find((p) => p.name === 'openai')!.accounts).toEqual({ openai: [A, B] });
    for (const key of [KEY_A, KEY_B]) expect(JSON.stringify(check) + JSON.stringify(plugins)).not.toContain(key);
  });

  it('every key cooling: 429 in the client\'s API with the earliest retry-after, and no upstream call until a reset', async () => {
    const s = await setup((u) => ({ base_url: u.baseUrl, api_keys: [KEY_A, KEY_B] }));
    s.reply.set(KEY_A, rateLimited('500'));
    s.reply.set(KEY_B, rateLimited('90'));
    const res = await fetch(`${s.proxy.url}/openai/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test-1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(90);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    expect(s.upstream.modelRequests).toHaveLength(2);

    const messages = await fetch(`${s.proxy.url}/openai/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt-test-1', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(messages.status).toBe(429);
    expect(Number(messages.headers.get('retry-after'))).toBeLessThanOrEqual(90);
    expect(await messages.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(s.upstream.modelRequests).toHaveLength(2);
  });

  it('per instance, as named tables: a refused key fails and the other serves', async () => {
    const s = await setup((u) => ({
      providers: {
        local: { base_url: u.baseUrl, strategy: 'fill_first', api_keys: [{ name: 'revoked', api_key: 'sk-revoked-key-0000' }, { name: 'good', api_key: KEY_B, weight: 2 }] },
      },
    }));
    expect((await ask(s, 'hello', '/openai/local')).choices[0]!.message.content).toBe('served by b');
    const check = await health(s);
    expect(check.status).toBe('warn');
    expect(check.details['openai.local']!.accounts!.find((x) => x.name === 'revoked')!.state).toBe('failing');
    expect(check.output).toContain('openai.local: key revoked');
    expect(JSON.stringify(check)).not.toContain('sk-revoked-key-0000');
    const plugins = (await (await fetch(`${s.proxy.url}/plugins`)).json()) as { plugins: Array<{ name: string; accounts?: unknown }> };
    expect(plugins.plugins.find((p) => p.name === 'openai')!.accounts).toEqual({ 'openai.local': ['revoked', 'good'] });
  });

  it('from the environment: PLUGINS__OPENAI__API_KEYS as one JSON list; one key alone is the plain setup', async () => {
    const s = await setup((u) => ({ base_url: u.baseUrl }), { PLUGINS__OPENAI__API_KEYS: JSON.stringify([KEY_A, KEY_B]) });
    s.reply.set(KEY_A, rateLimited('30'));
    expect((await ask(s, 'hello')).choices[0]!.message.content).toBe('served by b');

    const single = await setup((u) => ({ base_url: u.baseUrl, api_key: KEY_A }));
    single.reply.set(KEY_A, rateLimited('30'));
    await expect(ask(single, 'hello')).rejects.toMatchObject({ status: 429 });
    expect((await health(single)).details.openai!.accounts).toBeUndefined();
  });

  it('the access log names the key that served (by name), and never a key', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-openai-pool-log-'));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const log = path.join(dir, 'access.log');
    const s = await setup((u) => ({ base_url: u.baseUrl, api_keys: [KEY_A, KEY_B], strategy: 'fill_first' }), {}, { access_log: { path: log } });
    s.reply.set(KEY_A, rateLimited('30'));
    await ask(s, 'hello');
    await client(s).chat.completions.create({ model: 'gpt-test-1', stream: true, messages: [{ role: 'user', content: 'stream' }] }).then(async (st) => {
      for await (const _ of st) { /* drain */ }
    });
    await expect.poll(async () => (await fs.readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).length).toBe(2);
    const text = await fs.readFile(log, 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { provider: string; account: string; status: number });
    expect(lines.map((l) => [l.provider, l.account, l.status])).toEqual([['openai', B, 200], ['openai', B, 200]]);
    for (const key of [KEY_A, KEY_B]) expect(text).not.toContain(key);
  });

  it('20 turns of one conversation stay on one key while new conversations spread; a 429 moves it, and it stays moved', async () => {
    const s = await setup((u) => ({ base_url: u.baseUrl, api_keys: [KEY_A, KEY_B] }));
    const turn = (n: number) => {
      const messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }> = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Start the task please.' }];
      for (let i = 1; i <= n; i++) messages.push({ role: 'assistant', content: `answer ${i}` }, { role: 'user', content: `turn ${i}` });
      return client(s).chat.completions.create({ model: 'gpt-test-1', messages });
    };
    for (let n = 0; n < 20; n++) await turn(n);
    const used = new Set(s.upstream.modelRequests.map(keyOf));
    expect(used.size).toBe(1);
    const home = [...used][0]!;
    const other = home === KEY_A ? KEY_B : KEY_A;

    s.upstream.requests.length = 0;
    for (let i = 0; i < 4; i++) await ask(s, `other conversation ${i}`);
    expect(new Set(s.upstream.modelRequests.map(keyOf))).toEqual(new Set([KEY_A, KEY_B]));

    s.upstream.requests.length = 0;
    s.reply.set(home, rateLimited('600'));
    for (let n = 20; n < 24; n++) await turn(n);
    expect(s.upstream.modelRequests.map(keyOf)).toEqual([home, other, other, other, other]);
  });
});
