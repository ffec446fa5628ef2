/**
 * /claude/sdk/v1/messages end to end: real Agent SDK, real Claude Code CLI, fake Anthropic upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, text as textReply } from '../../fakes/anthropic-upstream.js';
import { conformantText } from '../../conformance/check.js';
import { parseSse, startSdkProxy, type SdkProxy } from './harness.js';

let p: SdkProxy;
beforeAll(async () => {
  p = await startSdkProxy();
});
afterAll(async () => {
  await p?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${p.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('claude_sdk /v1/messages', () => {
  it('returns the upstream text as one Anthropic message (non-stream)', async () => {
    p.fake.script = () => textReply('Plain answer from upstream.');
    const res = await post('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello there' }] });
    expect(res.status).toBe(200);
    const raw = await conformantText('anthropic', res);
    const body = JSON.parse(raw) as Record<string, unknown>;
    expect(body.type).toBe('message');
    expect(body.role).toBe('assistant');
    expect(body.content).toEqual([{ type: 'text', text: 'Plain answer from upstream.' }]);
    expect(body.stop_reason).toBe('end_turn');
    expect((body.usage as Record<string, number>).output_tokens).toBeGreaterThan(0);
    const upstream = p.fake.mainRequests.at(-1);
    expect(JSON.stringify(upstream?.body.messages)).toContain('hello there');
    // Detection has run by now: startup info and health report the CLI and the key from env.
    expect(p.plugin.startupInfo().credentials).toMatchObject({ ok: true, message: 'Claude Code is logged in (env:ANTHROPIC_API_KEY)' });
    const h = await p.health();
    expect(h.status).toBe('pass');
    expect(h.details).toMatchObject({ version: '2.1.331', logged_in: true });
  });

  it('streams one message_start … message_stop with the upstream text', async () => {
    p.fake.script = () => textReply('Streamed answer here.');
    const res = await post('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'stream please' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const frames = parseSse(await conformantText('anthropic', res));
    const types = frames.map((f) => f.event);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types.filter((t) => t === 'message_start')).toHaveLength(1);
    const text = frames
      .filter((f) => f.event === 'content_block_delta')
      .map((f) => (JSON.parse(f.data) as { delta: { text?: string } }).delta.text ?? '')
      .join('');
    expect(text).toBe('Streamed answer here.');
  });

  it('carries the system prompt and earlier turns to the CLI', async () => {
    p.fake.script = () => textReply('ok');
    const res = await post('/v1/messages', {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: 'SYSTEM_MARKER_7 be brief',
      messages: [
        { role: 'user', content: 'first USER_TURN_A' },
        { role: 'assistant', content: 'reply ASSISTANT_TURN_B' },
        { role: 'user', content: 'now USER_TURN_C' },
      ],
    });
    expect(res.status).toBe(200);
    const upstream = p.fake.mainRequests.at(-1);
    const all = JSON.stringify(upstream?.body);
    expect(all).toContain('SYSTEM_MARKER_7');
    expect(all).toContain('USER_TURN_A');
    expect(all).toContain('ASSISTANT_TURN_B');
    expect(all).toContain('USER_TURN_C');
  });

  it('passes image blocks of the new turn through to the upstream', async () => {
    p.fake.script = () => textReply('a red pixel');
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    const res = await post('/v1/messages', {
      model: 'claude-sonnet-4-5', max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this IMG_Q' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] }],
    });
    expect(res.status).toBe(200);
    const up = JSON.stringify(p.fake.mainRequests.at(-1)?.body.messages);
    expect(up).toContain('IMG_Q');
    expect(up).toContain(png);
  });

  it('answers count_tokens with an estimate and starts no CLI', async () => {
    const before = p.fake.mainRequests.length;
    const res = await post('/v1/messages/count_tokens', { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x'.repeat(4000) }] });
    expect(res.status).toBe(200);
    const { input_tokens } = (await res.json()) as { input_tokens: number };
    expect(input_tokens).toBeGreaterThan(900);
    expect(input_tokens).toBeLessThan(1200);
    expect(p.fake.mainRequests.length).toBe(before);
  });

  it('refuses a request option outside the allow list with 400 naming it', async () => {
    const res = await post('/v1/messages', {
      model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }],
      sdk_options: { permission_mode: 'bypassPermissions' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('permission_mode');
  });

  it('maps an upstream error to an Anthropic error before any byte', async () => {
    p.fake.script = () => apiError(401);
    const res = await post('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(401);
    const body = JSON.parse(await conformantText('anthropic', res)) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('authentication_error');
    expect(body.error.message).toContain('401');
  });
});
