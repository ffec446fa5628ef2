/**
 * The official `openai` SDK against /claude/sdk/v1/chat/completions and /claude/sdk/v1/responses:
 * the formats layer converts the request to Anthropic and the CLI's merged stream back.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestText, text as textReply, toolUse } from '../../fakes/anthropic-upstream.js';
import { startSdkProxy, type SdkProxy } from './harness.js';

let p: SdkProxy;
let client: OpenAI;
beforeAll(async () => {
  p = await startSdkProxy();
  client = new OpenAI({ baseURL: `${p.base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 240_000 });
});
afterAll(async () => {
  await p?.close();
});

describe('claude_sdk with the openai SDK', () => {
  it('responses: non-stream', async () => {
    p.fake.script = () => textReply('Responses answer from upstream.');
    const r = await client.responses.create({ model: 'claude-sonnet-4-5', instructions: 'INSTR_MARK', input: 'hello RESP_Q' });
    expect(r.output_text).toBe('Responses answer from upstream.');
    const up = JSON.stringify(p.fake.mainRequests.at(-1)?.body);
    expect(up).toContain('RESP_Q');
    expect(up).toContain('INSTR_MARK');
  });

  it('responses: stream', async () => {
    p.fake.script = () => textReply('Streamed responses answer.');
    const stream = await client.responses.create({ model: 'claude-sonnet-4-5', input: 'stream RESP_S', stream: true });
    let text = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    expect(text).toBe('Streamed responses answer.');
    expect(completed).toBe(true);
    expect(requestText(p.fake.mainRequests.at(-1)!)).toContain('RESP_S');
  });

  it('chat completions: non-stream', async () => {
    p.fake.script = () => textReply('Chat answer from upstream.');
    const r = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'system', content: 'SYS_CHAT' }, { role: 'user', content: 'hi CHAT_Q' }],
    });
    expect(r.choices[0]?.message.content).toBe('Chat answer from upstream.');
    expect(r.choices[0]?.finish_reason).toBe('stop');
    const up = JSON.stringify(p.fake.mainRequests.at(-1)?.body);
    expect(up).toContain('CHAT_Q');
    expect(up).toContain('SYS_CHAT');
  });

  it('chat completions: stream', async () => {
    p.fake.script = () => textReply('Streamed chat answer.');
    const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'CHAT_S' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Streamed chat answer.');
  });

  it('chat completions: the CLI\'s tool activity arrives as content, never as tool_calls', async () => {
    p.fake.script = (req) =>
      requestText(req).includes('tool_result')
        ? textReply('Listed.')
        : toolUse('Bash', { command: 'echo CHAT_TOOL_$((2+3))' }, 'Checking.');
    const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'CHAT_TOOL' }], stream: true });
    let text = '';
    let toolCalls = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      toolCalls += chunk.choices[0]?.delta.tool_calls?.length ?? 0;
    }
    expect(toolCalls).toBe(0);
    expect(text).toContain('<tool_use name="Bash">echo CHAT_TOOL_');
    expect(text).toContain('CHAT_TOOL_5');
    expect(text).toContain('Listed.');
  });
});
