/**
 * Routing rules with in-memory providers (no provider knowledge): the only-provider default,
 * priority among providers listing a model, providers not running or not serving the API,
 * connection-error fallback, count_tokens, globs, and startup validation.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, UpstreamConnectionError, UpstreamError } from '../../../src/core/errors.js';
import type { AnyPlugin } from '../../../src/core/plugin.js';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { matchPattern } from '../../../src/core/routing/glob.js';
import { fakeProvider } from '../helpers/fake-plugin.js';

const running: RunningProxy[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.close();
});

async function start(plugins: AnyPlugin[], extra: Record<string, unknown> = {}): Promise<RunningProxy> {
  const proxy = await startProxy({ env: {}, plugins, overrides: { server: { port: 0 }, logging: { level: 'silent' }, ...extra } });
  running.push(proxy);
  return proxy;
}

async function post(p: RunningProxy, path: string, body: Record<string, unknown>): Promise<{ status: number; provider: string | null; json: Record<string, unknown> }> {
  const res = await fetch(`${p.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, provider: res.headers.get('x-ccproxy-provider'), json: (await res.json()) as Record<string, unknown> };
}

const chat = (model?: string): Record<string, unknown> => ({ ...(model ? { model } : {}), messages: [{ role: 'user', content: 'x' }] });

describe('choosing a provider', () => {
  it('a single running provider takes every model; a request without a model is a 400 naming the field', async () => {
    const p = await start([fakeProvider({ name: 'solo' })]);
    expect((await post(p, '/v1/chat/completions', chat('anything'))).provider).toBe('solo');
    const none = await post(p, '/v1/chat/completions', chat());
    expect(none.status).toBe(400);
    expect(none.json).toMatchObject({ error: { type: 'invalid_request_error', param: 'model', message: expect.stringMatching(/^model: required/) } });
    const anthropic = await post(p, '/v1/messages', { max_tokens: 1, messages: [] });
    expect(anthropic).toMatchObject({ status: 400, json: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect((await post(p, '/v1/responses', { model: 7, input: 'x' })).json).toMatchObject({ error: { message: expect.stringMatching(/^model: must be a string, got number/) } });
    expect((await post(p, '/v1/messages/count_tokens', { model: '', messages: [] })).status).toBe(400);
  });

  it('a model no one lists goes to the provider that takes it as its own name, else to one whose map takes it', async () => {
    const native = fakeProvider({ name: 'native', acceptsModel: (m) => (m.startsWith('gpt-') ? 'native' : undefined) });
    const mapper = fakeProvider({ name: 'mapper', acceptsModel: (m) => (m.startsWith('gpt-') || m.startsWith('claude-') ? 'mapped' : undefined) });
    // Load order and priority would favour `mapper`: the native name still wins.
    const p = await start([mapper, native, fakeProvider({ name: 'other' })], { plugins: { mapper: { priority: 5 } } });
    expect((await post(p, '/v1/chat/completions', chat('gpt-5'))).provider).toBe('native');
    expect((await post(p, '/v1/chat/completions', chat('claude-opus-5-5'))).provider).toBe('mapper');
    // A listed name still comes first, and a name nobody takes is still a 404.
    expect((await post(p, '/v1/chat/completions', chat('other-model'))).provider).toBe('other');
    expect((await post(p, '/v1/chat/completions', chat('llama-3'))).status).toBe(404);
  });

  it('a provider that does not serve the API: 400 naming the providers that do, not a 503', async () => {
    const p = await start([fakeProvider({ name: 'anth', apis: ['anthropic'] }), fakeProvider({ name: 'any' })], {
      routing: { models: { 'm-*': 'anth' } },
    });
    const r = await post(p, '/v1/chat/completions', chat('m-1'));
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: { type: 'invalid_request_error', param: 'model' } });
    const message = (r.json as { error: { message: string } }).error.message;
    expect(message).toContain('Model "m-1" goes to anth, which does not serve POST /v1/chat/completions (anth serves POST /v1/messages)');
    expect(message).toContain('Providers that serve it: any');
    // count_tokens the same way.
    const counting = await start([fakeProvider({ name: 'plain' }), fakeProvider({ name: 'counter', countTokens: async () => ({ kind: 'json', status: 200, body: { input_tokens: 1 } }) })], {
      routing: { default: 'plain' },
    });
    const c = await post(counting, '/v1/messages/count_tokens', { model: 'x', messages: [] });
    expect(c.status).toBe(400);
    expect(JSON.stringify(c.json)).toContain('does not serve POST /v1/messages/count_tokens');
    expect(JSON.stringify(c.json)).toContain('Providers that serve it: counter');
  });

  it('with several providers and no rule, an unlisted model is not guessed: 404 in the API format', async () => {
    const p = await start([fakeProvider({ name: 'a' }), fakeProvider({ name: 'b' })]);
    const r = await post(p, '/v1/messages', { model: 'zzz', max_tokens: 1, messages: [] });
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: expect.stringContaining('"zzz"') } });
    expect((await post(p, '/v1/chat/completions', chat('b-model'))).provider).toBe('b');
  });

  it('a rule to a provider that does not serve the API skips to the fallbacks', async () => {
    const p = await start([fakeProvider({ name: 'anth', apis: ['anthropic'] }), fakeProvider({ name: 'any' })], {
      routing: { models: { 'm-*': 'anth' }, fallbacks: ['any'] },
    });
    expect((await post(p, '/v1/chat/completions', chat('m-1'))).provider).toBe('any');
    expect((await post(p, '/v1/messages', { model: 'm-1', max_tokens: 1, messages: [] })).provider).toBe('anth');
  });

  it('connection errors fall back; the alias model goes only to the rule\'s provider', async () => {
    const down = fakeProvider({ name: 'down', handle: async () => { throw new UpstreamConnectionError('Could not reach http://x: connection refused'); } });
    const up = fakeProvider({ name: 'up' });
    const p = await start([down, up], { routing: { models: { fast: { provider: 'down', model: 'real-model' } }, fallbacks: ['up'] } });
    const r = await post(p, '/v1/chat/completions', chat('fast'));
    expect(r.provider).toBe('up');
    expect(down.calls.at(-1)?.modelOverride).toBe('real-model');
    expect(up.calls.at(-1)?.modelOverride).toBeUndefined();
  });

  it('when every provider fails, the last error reaches the client with the last provider named', async () => {
    const busy = (name: string) => fakeProvider({ name, handle: async () => { throw new UpstreamError(503, `${name} overloaded`); } });
    const p = await start([busy('one'), busy('two')], { routing: { default: 'one', fallbacks: ['two'] } });
    const r = await post(p, '/v1/chat/completions', chat('m'));
    expect(r.status).toBe(503);
    expect(r.provider).toBe('two');
    expect(JSON.stringify(r.json)).toContain('two overloaded');
  });

  it('count_tokens goes to a provider that can count', async () => {
    const counter = fakeProvider({ name: 'counter', countTokens: async () => ({ kind: 'json', status: 200, body: { input_tokens: 42 } }) });
    const p = await start([fakeProvider({ name: 'plain' }), counter], { routing: { default: 'plain', fallbacks: ['counter'] } });
    const r = await post(p, '/v1/messages/count_tokens', { model: 'x', messages: [] });
    expect(r).toMatchObject({ status: 200, provider: 'counter', json: { input_tokens: 42 } });
  });
});

describe('logs', () => {
  it('name the chosen provider, and the ones that failed before it', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const dest = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    const down = fakeProvider({ name: 'down', handle: async () => { throw new UpstreamError(429, 'slow down'); } });
    const proxy = await startProxy({
      env: {}, plugins: [down, fakeProvider({ name: 'up' })], logDestination: dest,
      overrides: { server: { port: 0 }, logging: { level: 'info' }, routing: { default: 'down', fallbacks: ['up'] } },
    });
    running.push(proxy);
    await post(proxy, '/v1/chat/completions', chat('m'));
    const routed = lines.find((l) => l.msg === 'routed');
    expect(routed).toMatchObject({ provider: 'up', reason: 'fallback', failed: ['down'], model: 'm' });
    expect(lines.find((l) => String(l.msg).includes('falling back'))).toMatchObject({ provider: 'down', status: 429, next: 'up' });
  });
});

describe('[routing] validation at startup', () => {
  it('names the bad rule and the providers that exist', async () => {
    const err = await start([fakeProvider({ name: 'alpha' })], { routing: { default: 'alhpa' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/routing\.default = "alhpa": no such provider.*Providers: alpha/);
  });

  it('a disabled provider is only a warning; requests skip it', async () => {
    const p = await start([fakeProvider({ name: 'alpha' }), fakeProvider({ name: 'beta' })], {
      plugins: { beta: { enabled: false } },
      routing: { models: { 'x-*': 'beta' }, fallbacks: ['alpha'] },
    });
    expect((await post(p, '/v1/chat/completions', chat('x-1'))).provider).toBe('alpha');
  });
});

describe('matchPattern', () => {
  it('exact before globs, globs in order, case-insensitive', () => {
    const table = { 'gpt-*': 'a', 'gpt-5*': 'b', 'gpt-5-mini': 'c' };
    expect(matchPattern(table, 'gpt-5-mini')?.value).toBe('c');
    expect(matchPattern(table, 'GPT-5.5')?.value).toBe('a');
    expect(matchPattern(table, 'o3')).toBeUndefined();
  });
});
