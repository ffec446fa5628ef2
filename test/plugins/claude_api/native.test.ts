/**
 * The native Anthropic route under /claude: byte-faithful passthrough, header handling, the OAuth
 * body edits, upstream errors, count_tokens and /v1/models — through the real proxy runtime.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHarness, VALID_TOKEN, type Harness } from './harness.js';
import { text, type FakeReply } from '../../fakes/anthropic-upstream.js';
import { convertRequest } from '../../../src/formats/index.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.upstream.requests.length = 0;
  h.upstream.script = () => text('Hello from the fake Anthropic API.');
});

const IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";

async function post(path: string, body: string | object, headers: Record<string, string> = {}) {
  const res = await request(`${h.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client-dummy', 'anthropic-version': '2023-06-01', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('claude_api native /v1/messages', () => {
  it('forwards the client bytes unchanged when no edit is needed, and returns the upstream bytes', async () => {
    // Odd spacing, an unknown future field, thinking and metadata: all must arrive as sent.
    const raw = `{"model":"claude-sonnet-4-6",  "max_tokens": 64,"system":[{"type":"text","text":${JSON.stringify(IDENTITY)}}],
      "messages":[{"role":"user","content":"hi"}],"thinking":{"type":"adaptive"},"metadata":{"user_id":"u1"},"future_field":{"x":1.50}}`;
    const res = await post('/v1/messages', raw);
    expect(res.status).toBe(200);
    const up = h.upstream.messageRequests[0]!;
    expect(up.raw.toString('utf8')).toBe(raw);
    expect(res.text).toBe(h.upstream.lastResponseBody);
    expect(h.upstream.leakedClientKey).toBe(false);
  });

  it('replaces the client credential with the OAuth bearer and merges the betas', async () => {
    await post('/v1/messages', { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, {
      'anthropic-beta': 'interleaved-thinking-2025-05-14,oauth-2025-04-20',
      authorization: 'Bearer sk-ant-client-dummy',
      cookie: 'session=1',
    });
    const up = h.upstream.messageRequests[0]!;
    expect(up.headers.authorization).toBe(`Bearer ${VALID_TOKEN}`);
    expect(up.headers['x-api-key']).toBeUndefined();
    expect(up.headers.cookie).toBeUndefined();
    expect(up.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,oauth-2025-04-20,claude-code-20250219');
    expect(up.headers['anthropic-version']).toBe('2023-06-01');
    expect(up.url).toBe('/v1/messages?beta=true');
    // No client user-agent of Claude's kind → the detected (fallback) CLI identity fills in.
    expect(String(up.headers['x-app'])).toBe('cli');
    expect(h.upstream.leakedClientKey).toBe(false);
  });

  it("keeps the client's own identifying headers", async () => {
    await post('/v1/messages', { model: 'm', max_tokens: 10, messages: [] }, { 'user-agent': 'claude-cli/9.9.9 (external, cli)', 'x-stainless-os': 'MacOS' });
    const up = h.upstream.messageRequests[0]!;
    expect(up.headers['user-agent']).toBe('claude-cli/9.9.9 (external, cli)');
    expect(up.headers['x-stainless-os']).toBe('MacOS');
    expect(up.headers['x-stainless-runtime']).toBeUndefined();
  });

  it('prepends the identity, strips billing lines and caps cache_control at 4', async () => {
    const cc = { type: 'ephemeral' };
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      system: [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.331.471; cc_entrypoint=cli;' },
        { type: 'text', text: 'You are a helpful bot.', cache_control: cc },
      ],
      tools: [{ name: 't', description: 'd', input_schema: { type: 'object' }, cache_control: cc }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'a', cache_control: cc }] },
        { role: 'assistant', content: [{ type: 'text', text: 'b', cache_control: cc }] },
        { role: 'user', content: [{ type: 'text', text: 'c', cache_control: cc }] },
      ],
    };
    const res = await post('/v1/messages', body);
    expect(res.status).toBe(200);
    const sent = h.upstream.messageRequests[0]!.body;
    expect(sent.system).toEqual([{ type: 'text', text: IDENTITY }, { type: 'text', text: 'You are a helpful bot.', cache_control: cc }]);
    const marks = JSON.stringify(sent).match(/cache_control/g) ?? [];
    expect(marks).toHaveLength(4);
    const msgs = sent.messages as Array<{ content: Array<Record<string, unknown>> }>;
    expect(msgs[0]!.content[0]!.cache_control).toBeUndefined();
    expect(msgs[2]!.content[0]!.cache_control).toEqual(cc);
  });

  it('accepts the Agent SDK identity Claude Code -p sends as "already an identity"', async () => {
    const system = [{ type: 'text', text: "You are a Claude agent, built on Anthropic's Claude Agent SDK.", cache_control: { type: 'ephemeral' } }];
    await post('/v1/messages', { model: 'm', max_tokens: 5, system, messages: [{ role: 'user', content: 'x' }] });
    expect(h.upstream.messageRequests[0]!.body.system).toEqual(system);
  });

  it("Claude Code's real request, turn after turn: the same bytes upstream each time, from /v1/messages and from Chat", async () => {
    const capture = JSON.parse(readFileSync(new URL('../../fixtures/captures/claude-code-2.1.331-interactive-messages.json', import.meta.url), 'utf8')).body;
    const chat = convertRequest('anthropic', 'chat', capture, { model: capture.model });
    for (const [path, body] of [['/v1/messages', capture], ['/v1/chat/completions', chat]] as const) {
      h.upstream.requests.length = 0;
      // Turn 1 parses the tools, turn 2 keeps them, turns 3 and 4 reuse them.
      for (let turn = 0; turn < 4; turn++) expect((await post(path, { ...body, stream: false })).status).toBe(200);
      const sent = h.upstream.messageRequests.map((r) => r.raw.toString('utf8'));
      expect(sent).toHaveLength(4);
      expect(JSON.parse(sent[0]!).tools).toHaveLength(capture.tools.length);
      expect(JSON.parse(sent[0]!).system[0].text).not.toMatch(/billing-header/);
      for (const raw of sent.slice(1)) expect(raw).toBe(sent[0]);
    }
  });

  it('streams the upstream SSE bytes through unchanged (thinking signature, tool_use deltas)', async () => {
    h.upstream.script = (): FakeReply => ({
      kind: 'message',
      content: [
        { type: 'thinking', thinking: 'Let me think about this.', signature: 'EqQBCkYIARgCIkB-sig==' },
        { type: 'text', text: 'Running it.' },
        { type: 'tool_use', name: 'Bash', input: { command: 'echo hi', description: 'say hi' } },
      ],
      stopReason: 'tool_use',
    });
    const res = await post('/v1/messages', { model: 'claude-sonnet-4-6', max_tokens: 100, stream: true, system: IDENTITY, messages: [{ role: 'user', content: 'go' }] });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.text).toBe(h.upstream.lastResponseBody);
    expect(res.text).toContain('"signature_delta"');
    expect(res.text).toContain('"input_json_delta"');
  });

  it('ends a stream the upstream cut off with an Anthropic error event', async () => {
    h.upstream.script = (): FakeReply => ({ kind: 'broken', content: [{ type: 'text', text: 'This answer will be cut off somewhere.' }], afterEvents: 4 });
    const res = await post('/v1/messages', { model: 'm', max_tokens: 100, stream: true, system: IDENTITY, messages: [{ role: 'user', content: 'go' }] });
    expect(res.status).toBe(200);
    expect(res.text).toContain('event: message_start');
    expect(res.text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"Upstream stream interrupted/);
    expect(res.text).not.toContain('message_stop');
  });

  it.each([
    [429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', '17'],
    [529, 'overloaded_error', 'Overloaded', undefined],
    [400, 'invalid_request_error', 'messages: roles must alternate', undefined],
    [500, 'api_error', 'Internal server error', undefined],
  ])('passes upstream %i errors through in Anthropic format', async (status, type, message, retryAfter) => {
    h.upstream.script = () => ({ kind: 'error', status, type, message, retryAfter });
    const res = await post('/v1/messages', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.text)).toMatchObject({ type: 'error', error: { type, message } });
    if (retryAfter) expect(res.headers['retry-after']).toBe(retryAfter);
  });

  it('forwards count_tokens upstream', async () => {
    const res = await post('/v1/messages/count_tokens', { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'count me' }] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).input_tokens).toBeGreaterThan(0);
    const up = h.upstream.requests.at(-1)!;
    expect(up.url).toBe('/v1/messages/count_tokens?beta=true');
    expect(up.headers.authorization).toBe(`Bearer ${VALID_TOKEN}`);
  });

  it('lists Claude models usable by Anthropic and OpenAI clients', async () => {
    const res = await request(`${h.base}/v1/models`);
    const body = (await res.body.json()) as { object: string; data: Array<Record<string, unknown>> };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toContain('claude-sonnet-4-6');
    expect(body.data[0]).toMatchObject({ object: 'model', type: 'model', owned_by: 'anthropic' });
  });

  it('reports health from local state only', async () => {
    const before = h.upstream.requests.length;
    const res = await request(`${h.proxy.url}/health`);
    const body = (await res.body.json()) as { checks: Record<string, Array<Record<string, unknown>>> };
    const check = Object.values(body.checks).flat().find((c) => c.componentId === 'claude_api')!;
    expect(check).toBeDefined();
    // Detection is disabled here → fallback data → warn, with credentials details.
    expect(check.status).toBe('warn');
    expect((check.details as Record<string, unknown>).subscription_type).toBe('max');
    expect(h.upstream.requests.length).toBe(before);
  });
});

describe('claude_api startup info', () => {
  it('says which credentials were found, without any token', () => {
    const plugin = h.proxy.registry.get('claude_api')!.plugin!;
    const info = plugin.startupInfo!();
    expect(info.credentials).toMatchObject({ ok: true });
    expect(info.credentials!.message).toMatch(/OAuth \(max, expires in \d+ min\)/);
    expect(JSON.stringify(info)).not.toContain(VALID_TOKEN);
    expect(plugin.auth?.aliases).toContain('claude');
  });
});

describe('claude_api with an API key', () => {
  let k: Harness;
  beforeAll(async () => {
    // Through the documented env var name, as a person would set it.
    k = await startHarness({ creds: null, env: { PLUGINS__CLAUDE_API__API_KEY: 'sk-ant-api03-proxy-key' } });
    k.upstream.acceptedApiKeys.add('sk-ant-api03-proxy-key');
  });
  afterAll(async () => {
    await k?.close();
  });

  it('sends x-api-key, no OAuth headers, and the exact client bytes', async () => {
    const raw = '{"model":"claude-haiku-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}';
    const res = await request(`${k.base}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client-dummy' }, body: raw });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    const up = k.upstream.messageRequests[0]!;
    expect(up.headers['x-api-key']).toBe('sk-ant-api03-proxy-key');
    expect(up.headers.authorization).toBeUndefined();
    expect(up.headers['anthropic-beta']).toBeUndefined();
    expect(up.raw.toString()).toBe(raw);
  });
});

describe('claude_api without credentials', () => {
  it("never uses the proxy's own ANTHROPIC_API_KEY and answers 401 in the client's format", async () => {
    const n = await startHarness({ creds: null, env: { ANTHROPIC_API_KEY: 'sk-ant-from-proxy-env' } });
    try {
      const res = await request(`${n.base}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","max_tokens":5,"messages":[]}' });
      expect(res.statusCode).toBe(401);
      const body = (await res.body.json()) as { type: string; error: { type: string; message: string } };
      expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      expect(body.error.message).toContain('ccproxy auth login claude');
      expect(n.upstream.requests).toHaveLength(0);
      expect(n.proxy.registry.get('claude_api')!.plugin!.startupInfo!().credentials).toMatchObject({ ok: false, fix: 'ccproxy auth login claude' });
      const health = await request(`${n.proxy.url}/health`);
      expect(health.statusCode).toBe(503);
      await health.body.text();
    } finally {
      await n.close();
    }
  });
});
