/**
 * Real SDK traffic (the `@anthropic-ai/sdk` and `openai` packages) through claude_api and openai,
 * in front of fake upstreams, with the observability plugins on: each request's access-log line,
 * usage row and API-equivalent cost carry exactly the token numbers the fake reported, streams
 * included, and a failed request says why.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, type MessageReply } from '../../fakes/anthropic-upstream.js';
import { startObserved, type ObservedProxy } from './harness.js';

let h: ObservedProxy;
let logFile: string;

beforeAll(async () => {
  h = await startObserved(['access_log', 'usage', 'metrics']);
  logFile = path.join(h.env.XDG_STATE_HOME, 'ccproxy', 'access.log');
  const replies: Array<MessageReply | ReturnType<typeof apiError>> = [
    { kind: 'message', content: [{ type: 'text', text: 'plain' }], usage: { input_tokens: 120, output_tokens: 40, cache_read_input_tokens: 300, cache_creation_input_tokens: 50 } },
    { kind: 'message', content: [{ type: 'text', text: ['str', 'eamed'] }], usage: { input_tokens: 80, output_tokens: 25 } },
    apiError(429, 'slow down'),
  ];
  h.anthropic.script = (_req, i) => replies[i] ?? replies[0]!;

  const claude = new Anthropic({ baseURL: `${h.proxy.url}/claude`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });
  await claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  const stream = await claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  for await (const _ of stream) { /* drain */ }
  await expect(claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();

  const gpt = new OpenAI({ baseURL: `${h.proxy.url}/openai/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 });
  await gpt.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
  const chunks = await gpt.chat.completions.create({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
  for await (const _ of chunks) { /* drain */ }
  await gpt.responses.create({ model: 'gpt-4o', input: 'hi' });
});

afterAll(async () => {
  await h?.close();
});

type Line = Record<string, unknown>;

async function logLines(): Promise<Line[]> {
  const text = await fs.readFile(logFile, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
}

const SONNET = { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 };
const GPT_4O = { input: 2.5, output: 10 };

describe('access log', () => {
  it('has one JSON line per request with the upstream\'s token numbers, streams included', async () => {
    await expect.poll(async () => (await logLines()).length).toBe(6);
    const lines = await logLines();
    const claude = lines.filter((l) => l.provider === 'claude_api');
    expect(claude[0]).toMatchObject({
      api: 'anthropic', route: '/claude/v1/messages', requested_model: 'claude-sonnet-4-5', model: 'claude-sonnet-4-5', client: 'Anthropic',
      status: 200, stream: false, input_tokens: 120, cache_read_tokens: 300, cache_write_tokens: 50, output_tokens: 40, reasoning_tokens: 0, error_type: null,
    });
    expect(claude[1]).toMatchObject({ stream: true, status: 200, input_tokens: 80, output_tokens: 25, cache_read_tokens: 0 });
    expect(claude[1]!.ttfb_ms).toEqual(expect.any(Number));
    expect(claude[2]).toMatchObject({ status: 429, error_type: 'rate_limit', input_tokens: null });
    const openai = lines.filter((l) => l.provider === 'openai');
    expect(openai.map((l) => [l.api, l.stream, l.input_tokens, l.output_tokens, l.client])).toEqual([
      ['chat', false, 21, 9, 'OpenAI'], ['chat', true, 21, 9, 'OpenAI'], ['responses', false, 21, 9, 'OpenAI'],
    ]);
    for (const l of lines) {
      expect(l.request_id).toEqual(expect.any(String));
      expect(Date.parse(String(l.time))).not.toBeNaN();
      expect(l.duration_ms).toEqual(expect.any(Number));
    }
  });

  it('holds no body and no credential', async () => {
    await expect.poll(async () => (await logLines()).length).toBe(6);
    const text = await fs.readFile(logFile, 'utf8');
    for (const secret of ['sk-ant-oat01', 'sk-ant-client-dummy', 'sk-client-dummy', h.openai.apiKey, 'plain', 'eamed', 'slow down']) expect(text).not.toContain(secret);
  });
});

describe('usage', () => {
  it('records each request with its API-equivalent cost from the pricing table', async () => {
    const res = await fetch(`${h.proxy.url}/usage?group_by=model&since=1d`);
    expect(res.status).toBe(200);
    const doc = await res.json() as { rows: Array<Record<string, number | string>>; total: Record<string, number> };
    const sonnet = doc.rows.find((r) => r.key === 'claude-sonnet-4-5')!;
    expect(sonnet).toMatchObject({ requests: 3, failed: 1, input_tokens: 200, cache_read_tokens: 300, cache_write_tokens: 50, output_tokens: 65 });
    const sonnetCost = (200 * SONNET.input + 300 * SONNET.cache_read + 50 * SONNET.cache_write + 65 * SONNET.output) / 1e6;
    expect(sonnet.cost_usd).toBeCloseTo(sonnetCost, 10);
    const gpt = doc.rows.find((r) => r.key === 'gpt-4o')!;
    expect(gpt).toMatchObject({ requests: 3, failed: 0, input_tokens: 63, output_tokens: 27 });
    expect(gpt.cost_usd).toBeCloseTo((63 * GPT_4O.input + 27 * GPT_4O.output) / 1e6, 10);
    expect(doc.total).toMatchObject({ requests: 6, failed: 1, unpriced_requests: 0 });
    expect(doc.total.cost_usd).toBeCloseTo(sonnetCost + (63 * GPT_4O.input + 27 * GPT_4O.output) / 1e6, 10);
  });

  it('groups by provider and client, and filters by API', async () => {
    const byProvider = await (await fetch(`${h.proxy.url}/usage?group_by=provider`)).json() as { rows: Array<{ key: string; requests: number }> };
    expect(byProvider.rows.map((r) => [r.key, r.requests]).sort()).toEqual([['claude_api', 3], ['openai', 3]]);
    const byClient = await (await fetch(`${h.proxy.url}/usage?group_by=client&api=chat`)).json() as { rows: Array<{ key: string; requests: number }> };
    expect(byClient.rows.map((r) => [r.key, r.requests])).toEqual([['OpenAI', 2]]);
  });

  it('answers a bad query with a 400 naming the parameter', async () => {
    const res = await fetch(`${h.proxy.url}/usage?group_by=colour`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('group_by');
  });
});

interface Sample { name: string; labels: Record<string, string>; value: number }

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${h.proxy.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return (await res.text()).split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l)!;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    return { name: m[1]!, labels, value: Number(m[3]) };
  });
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('metrics', () => {
  it('counts requests, tokens (the fake\'s numbers, streams included), upstream errors and durations', async () => {
    await expect.poll(async () => (await logLines()).length).toBe(6);
    const s = await scrape();
    expect(value(s, 'ccproxy_requests_total', { provider: 'claude_api', route: '/claude/v1/messages', api: 'anthropic', status: '200' })).toBe(2);
    expect(value(s, 'ccproxy_requests_total', { provider: 'claude_api', status: '429' })).toBe(1);
    expect(value(s, 'ccproxy_requests_total', { provider: 'openai', route: '/openai/v1/chat/completions', api: 'chat', status: '200' })).toBe(2);
    expect(value(s, 'ccproxy_requests_total', { provider: 'openai', api: 'responses', status: '200' })).toBe(1);
    const tokens = (model: string, kind: string): number | undefined => value(s, 'ccproxy_tokens_total', { model, kind });
    expect([tokens('claude-sonnet-4-5', 'input'), tokens('claude-sonnet-4-5', 'cache_read'), tokens('claude-sonnet-4-5', 'cache_write'), tokens('claude-sonnet-4-5', 'output')]).toEqual([200, 300, 50, 65]);
    expect([tokens('gpt-4o', 'input'), tokens('gpt-4o', 'output')]).toEqual([63, 27]);
    expect(value(s, 'ccproxy_upstream_errors_total', { provider: 'claude_api', status: '429' })).toBe(1);
    expect(value(s, 'ccproxy_request_duration_seconds_count', { provider: 'claude_api', api: 'anthropic' })).toBe(3);
    // Time to first byte: the streams (one per provider here).
    expect(value(s, 'ccproxy_time_to_first_byte_seconds_count', { provider: 'claude_api', api: 'anthropic' })).toBe(1);
    expect(value(s, 'ccproxy_time_to_first_byte_seconds_count', { provider: 'openai', api: 'chat' })).toBe(1);
    expect(value(s, 'ccproxy_requests_in_flight', { provider: 'claude_api' })).toBe(0);
    expect(value(s, 'ccproxy_streams_in_flight', { provider: 'openai' })).toBe(0);
    expect(s.some((x) => x.name === 'process_cpu_user_seconds_total')).toBe(true);
  });

  it('counts credential refreshes by provider and result, from the credential.refreshed event', async () => {
    h.proxy.services.events.emit('credential.refreshed', { timestamp: Date.now(), provider: 'claude_api', ok: true, durationMs: 12 });
    h.proxy.services.events.emit('credential.refreshed', { timestamp: Date.now(), provider: 'claude_api', ok: false, durationMs: 5 });
    const s = await scrape();
    expect(value(s, 'ccproxy_credential_refreshes_total', { provider: 'claude_api', result: 'success' })).toBe(1);
    expect(value(s, 'ccproxy_credential_refreshes_total', { provider: 'claude_api', result: 'failure' })).toBe(1);
  });

  it('reports each plugin\'s health', async () => {
    const s = await scrape();
    expect(value(s, 'ccproxy_plugin_health', { plugin: 'openai' })).toBe(1);
    expect(value(s, 'ccproxy_plugin_health', { plugin: 'usage' })).toBe(1);
    expect(value(s, 'ccproxy_plugin_health', { plugin: 'claude_api' })).toEqual(expect.any(Number));
  });
});
