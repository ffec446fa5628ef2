/**
 * Root routes route by model: the same `openai` SDK client (one base URL) reaches claude_api,
 * codex and openai; fallback on 429/503 before anything was sent; no fallback once a stream has
 * begun; merged `/v1/models`; clear errors for unknown models and bad `[routing]`.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../../src/core/runtime.js';
import { ConfigError } from '../../../src/core/errors.js';
import { startRoutedProxy, startUpstreams, type Upstreams } from './harness.js';

let up: Upstreams;
let ruled: RunningProxy;
let bare: RunningProxy;

const ROUTING = {
  default: 'openai',
  models: {
    'claude-*': 'claude_api',
    'gpt-5*': 'codex',
    'flaky-*': 'openai.flaky',
    fast: { provider: 'openai', model: 'gpt-test-mini' },
  },
  fallbacks: ['openai'],
};

beforeAll(async () => {
  up = await startUpstreams();
  ruled = await startRoutedProxy(up, ROUTING);
  bare = await startRoutedProxy(up, undefined);
});

afterAll(async () => {
  await ruled?.close();
  await bare?.close();
  await up?.close();
});

const client = (p: RunningProxy): OpenAI => new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 });

async function ask(p: RunningProxy, model: string): Promise<{ text: string | null | undefined; provider: string | null }> {
  const { data, response } = await client(p).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
  return { text: data.choices[0]?.message.content, provider: response.headers.get('x-ccproxy-provider') };
}

describe('one base URL, three providers', () => {
  for (const [label, proxy] of [['with [routing] rules', () => ruled], ['without [routing] (by listModels)', () => bare]] as const) {
    it(`${label}: model name picks the provider`, async () => {
      const claude = await ask(proxy(), 'claude-sonnet-4-6');
      expect(claude).toEqual({ text: 'Hello from the fake Anthropic API.', provider: 'claude_api' });
      expect(up.anthropic.messageRequests.at(-1)?.headers.authorization).toMatch(/^Bearer sk-ant-oat01/);
      const codex = await ask(proxy(), 'gpt-5.5');
      expect(codex).toEqual({ text: 'ok', provider: 'codex' });
      const openai = await ask(proxy(), 'gpt-test-1');
      expect(openai).toEqual({ text: 'from openai', provider: 'openai' });
      expect(up.openai.modelRequests.at(-1)?.headers.authorization).toBe('Bearer sk-main');
      expect(up.openai.leakedClientKey).toBe(false);
      expect(up.anthropic.leakedClientKey).toBe(false);
    });
  }

  it('without [routing], a model a provider takes but does not list works at the root as at its prefix', async () => {
    // codex lists no `gpt-5` but sends Codex names as they are (claude_api would only map it).
    expect(await ask(bare, 'gpt-5')).toEqual({ text: 'ok', provider: 'codex' });
    expect(up.chatgpt.requests.at(-1)?.body.model).toBe('gpt-5');
    // An unlisted Claude name is claude_api's own.
    expect((await ask(bare, 'claude-3-7-sonnet-20250219')).provider).toBe('claude_api');
    expect(up.anthropic.messageRequests.at(-1)?.body.model).toBe('claude-3-7-sonnet-20250219');
  });

  it('Responses and Anthropic clients route the same way', async () => {
    const res = await client(ruled).responses.create({ model: 'gpt-5.5', input: 'Hi' }).withResponse();
    expect(res.data.output_text).toBe('ok');
    expect(res.response.headers.get('x-ccproxy-provider')).toBe('codex');
    const anthropic = new Anthropic({ baseURL: ruled.url, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });
    const msg = await anthropic.messages.create({ model: 'gpt-test-1', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(msg.data.content[0]).toMatchObject({ type: 'text', text: 'from openai' });
    expect(msg.response.headers.get('x-ccproxy-provider')).toBe('openai');
  });

  it('an alias rule sends its target model', async () => {
    expect(await ask(ruled, 'fast')).toEqual({ text: 'from openai', provider: 'openai' });
    expect(up.openai.modelRequests.at(-1)?.body.model).toBe('gpt-test-mini');
  });

  it('routing.default takes unknown models; without it they get a 404 naming the model', async () => {
    expect((await ask(ruled, 'mystery-model')).provider).toBe('openai');
    const err = await client(bare).chat.completions.create({ model: 'mystery-model', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as Error).message).toContain('mystery-model');
    const res = await fetch(`${bare.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'mystery-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }) });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('fallbacks', () => {
  it('503 from the chosen provider → the next one answers', async () => {
    const before = up.flaky.modelRequests.length;
    expect(await ask(ruled, 'flaky-model')).toEqual({ text: 'from openai', provider: 'openai' });
    expect(up.flaky.modelRequests.length).toBe(before + 1);
  });

  it('429 falls back too (streamed request)', async () => {
    up.flaky.respond = () => ({ httpError: { status: 429, message: 'Rate limit reached', retryAfter: '3' } });
    const { data: stream, response } = await client(ruled).chat.completions.create({ model: 'flaky-model', stream: true, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('from openai');
    expect(response.headers.get('x-ccproxy-provider')).toBe('openai');
  });

  it('no fallback once the stream has begun: the client gets the error event', async () => {
    up.flaky.respond = () => ({ text: 'partial text here', streamError: 'upstream died mid-stream' });
    const before = up.openai.modelRequests.length;
    const res = await fetch(`${ruled.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'flaky-model', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ccproxy-provider')).toBe('openai.flaky');
    const body = await res.text();
    expect(body).toContain('event: error');
    expect(body).toContain('upstream died mid-stream');
    expect(up.openai.modelRequests.length).toBe(before);
  });

  it('a non-retryable error (400) is not retried elsewhere', async () => {
    up.flaky.respond = () => ({ httpError: { status: 400, message: 'bad request from flaky', type: 'invalid_request_error' } });
    const before = up.openai.modelRequests.length;
    const err = await client(ruled).chat.completions.create({ model: 'flaky-model', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(up.openai.modelRequests.length).toBe(before);
    up.flaky.respond = () => ({ httpError: { status: 503, message: 'The server is overloaded' } });
  });
});

describe('GET /v1/models and startup validation', () => {
  it('merges every provider\'s models with the provider named', async () => {
    const res = await fetch(`${ruled.url}/v1/models`);
    const { data } = (await res.json()) as { data: Array<{ id: string; provider: string }> };
    const providerOf = (id: string): string | undefined => data.find((m) => m.id === id)?.provider;
    expect(providerOf('claude-sonnet-4-6')).toBe('claude_api');
    expect(providerOf('gpt-5.5')).toBe('codex');
    expect(providerOf('gpt-test-1')).toBe('openai');
    expect(providerOf('flaky-model')).toBe('openai.flaky');
    expect(providerOf('fast')).toBe('openai');
    // The SDK reads it as an ordinary list.
    const ids = [];
    for await (const m of client(ruled).models.list()) ids.push(m.id);
    expect(ids).toContain('gpt-test-mini');
  });

  it('an unknown provider in [routing] refuses startup with a clear ConfigError', async () => {
    const err = await startRoutedProxy(up, { models: { 'claude-*': 'claude' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('routing.models."claude-*" = "claude": no such provider');
    expect((err as Error).message).toContain('openai.flaky');
    const err2 = await startRoutedProxy(up, { fallbacks: ['openai.nope'] }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ConfigError);
    expect((err2 as Error).message).toContain('routing.fallbacks[0] = "openai.nope"');
  });
});
