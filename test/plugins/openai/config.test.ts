/**
 * openai config and instance behaviour: key sources, no key, bad instance names, model mapping,
 * the header timeout, the health states.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { OpenAIConfigSchema, resolveApiKey } from '../../../src/plugins/openai/config.js';
import { modelAcceptance, resolveModel } from '../../../src/plugins/openai/models.js';
import { FakeOpenAICompatible } from '../../fakes/openai-compatible.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function proxyWith(openai: Record<string, unknown>): Promise<RunningProxy> {
  const proxy = await startProxy({ env: {}, overrides: { server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['openai'], plugins: { openai } } });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function fake(apiKey = 'sk-up'): Promise<FakeOpenAICompatible> {
  const f = await new FakeOpenAICompatible({ apiKey }).start();
  cleanups.push(() => f.close());
  return f;
}

const chat = (p: RunningProxy, prefix = '/openai'): Promise<unknown> =>
  new OpenAI({ baseURL: `${p.url}${prefix}/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 }).chat.completions.create({ model: 'gpt-test-1', messages: [{ role: 'user', content: 'x' }] });

describe('keys', () => {
  it('api_key_env names the variable holding the key', () => {
    const s = OpenAIConfigSchema.parse({ api_key_env: 'MY_KEY' });
    expect(resolveApiKey(s, { MY_KEY: 'sk-env' })).toBe('sk-env');
    expect(resolveApiKey({ ...s, api_key: 'sk-direct' }, { MY_KEY: 'sk-env' })).toBe('sk-direct');
    expect(resolveApiKey(s, {})).toBeUndefined();
  });

  it('a remote upstream without a key: 401 naming the fix, nothing sent', async () => {
    const proxy = await proxyWith({ base_url: 'https://api.example.invalid/v1' });
    const err = await chat(proxy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as Error).message).toContain('api_key');
  });

  it('a loopback upstream may need no key; the client key is still never forwarded', async () => {
    const f = await fake('');
    const proxy = await proxyWith({ base_url: f.baseUrl });
    await chat(proxy);
    expect(f.modelRequests.at(-1)?.headers.authorization).toBeUndefined();
    expect(f.leakedClientKey).toBe(false);
  });

  it('a wrong upstream key comes back as 401 with the upstream message', async () => {
    const f = await fake('sk-right');
    const proxy = await proxyWith({ base_url: f.baseUrl, api_key: 'sk-wrong' });
    const err = await chat(proxy).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as Error).message).toContain('Incorrect API key');
    // The startup probe got the same 401: health fails (polled: the probe runs in the background).
    await expect.poll(async () => {
      const health = (await (await fetch(`${proxy.url}/health`)).json()) as { checks: Record<string, Array<{ status: string }>> };
      return health.checks['plugin:openai']?.[0]?.status;
    }).toBe('fail');
  });
});

describe('not configured', () => {
  it('/health says warn with what to set, and the banner info calls it unusable', async () => {
    const proxy = await proxyWith({});
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as { checks: Record<string, Array<{ status: string; output?: string }>> };
    expect(health.checks['plugin:openai']?.[0]).toMatchObject({
      status: 'warn',
      output: 'not configured: set base_url and api_key (or api_key_env) in [plugins.openai], or a [plugins.openai.providers.<name>] table',
    });
    const plugin = proxy.registry.get('openai')?.plugin;
    expect(plugin?.startupInfo?.().credentials).toMatchObject({ ok: false, message: expect.stringContaining('not configured') });
    // One configured named instance is enough: the default one is then only noted.
    const f = await fake('');
    const named = await proxyWith({ providers: { local: { base_url: f.baseUrl } } });
    const h2 = (await (await fetch(`${named.url}/health`)).json()) as { checks: Record<string, Array<{ status: string }>> };
    expect(h2.checks['plugin:openai']?.[0]?.status).toBe('pass');
  });
});

describe('instances', () => {
  it('an instance name that would clash with /openai/v1 fails the plugin with the reason', async () => {
    const proxy = await proxyWith({ providers: { v1: { base_url: 'http://127.0.0.1:9/v1' } } });
    const rec = proxy.registry.get('openai');
    expect(rec?.state).toBe('failed');
    expect(rec?.reason).toContain('instance name "v1"');
  });

  it('extra headers are sent; instances do not inherit the default instance\'s key', async () => {
    const a = await fake('sk-a');
    const b = await fake('sk-b');
    const proxy = await proxyWith({ base_url: a.baseUrl, api_key: 'sk-a', headers: { 'HTTP-Referer': 'https://example.test' }, providers: { other: { base_url: b.baseUrl } } });
    await chat(proxy);
    expect(a.modelRequests.at(-1)?.headers['http-referer']).toBe('https://example.test');
    expect(a.modelRequests.at(-1)?.body.messages).toBeDefined();
    // `other` is on loopback without a key of its own: it gets none (not sk-a).
    await chat(proxy, '/openai/other').catch(() => undefined);
    expect(b.modelRequests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('the header timeout answers 504 in the client\'s format', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    });
    const proxy = await proxyWith({ base_url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`, timeout: 0.3, models: ['m'] });
    const res = await fetch(`${proxy.url}/openai/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }) });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ type: 'error', error: { message: expect.stringContaining('within 0.3s') } });
  });
});

describe('request shaping', () => {
  it('drop_params removes fields; max_output_tokens caps the limit', async () => {
    const f = await fake('sk-a');
    const proxy = await proxyWith({ base_url: f.baseUrl, api_key: 'sk-a', drop_params: ['reasoning_effort', 'temperature'], max_output_tokens: 4096 });
    await fetch(`${proxy.url}/openai/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test-1', max_tokens: 32000, temperature: 1, thinking: { type: 'enabled', budget_tokens: 8000 }, messages: [{ role: 'user', content: 'x' }] }),
    });
    const body = f.modelRequests.at(-1)!.body;
    expect(body).not.toHaveProperty('reasoning_effort');
    expect(body).not.toHaveProperty('temperature');
    expect(body.max_completion_tokens).toBe(4096);
  });
});

describe('resolveModel', () => {
  const settings = { model_map: { 'claude-haiku-*': 'small', 'claude-*': 'big' }, default_model: 'dflt' };
  it('map first (exact, then globs), then default_model for Claude names or none, else unchanged', () => {
    expect(resolveModel('claude-haiku-4-5', settings)).toBe('small');
    expect(resolveModel('claude-opus-5-5', settings)).toBe('big');
    expect(resolveModel('sonnet', settings)).toBe('dflt');
    expect(resolveModel(undefined, settings)).toBe('dflt');
    expect(resolveModel('llama-3.1-8b', settings)).toBe('llama-3.1-8b');
    expect(resolveModel('claude-opus-5-5', { model_map: {} })).toBe('claude-opus-5-5');
  });

  it('takes unlisted names only through its own configuration (root routing)', () => {
    expect(modelAcceptance('claude-haiku-4-5', settings)).toBe('mapped');
    expect(modelAcceptance('sonnet', settings)).toBe('mapped');
    expect(modelAcceptance('llama-3.1-8b', settings)).toBeUndefined();
    expect(modelAcceptance('claude-opus-5-5', { model_map: {} })).toBeUndefined();
  });
});
