/**
 * Upstream quirks of OpenAI-compatible servers, switched on in the fake: tool-call arguments in
 * one piece, no `index` on tool-call deltas, no usage chunk, no finish_reason, and a `tool_calls`
 * finish without any call. Every client API must still get a well-formed answer.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatQuirks, FakeTurn } from '../../fakes/openai-compatible.js';
import { normalizeChatStream } from '../../../src/plugins/openai/chat-quirks.js';
import { startOpenAIHarness, type OpenAIHarness } from './harness.js';

let h: OpenAIHarness;
let turn: FakeTurn = { text: 'ok' };
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startOpenAIHarness({ fake: { respond: () => turn } });
  openai = new OpenAI({ baseURL: `${h.proxy.url}/openai/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: `${h.proxy.url}/openai`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });
});
afterAll(async () => h?.close());

const tools = [{ name: 'Bash', description: 'run', input_schema: { type: 'object' as const, properties: { command: { type: 'string' } } } }];
const ALL: ChatQuirks = { wholeArguments: true, omitIndex: true, omitUsage: true, omitFinishReason: true };
const twoCalls: FakeTurn = { toolCalls: [{ name: 'Bash', arguments: { command: 'ls' } }, { name: 'Bash', arguments: { command: 'pwd' } }] };

describe('quirky chat upstream', () => {
  for (const [label, quirks] of [
    ['whole arguments', { wholeArguments: true }],
    ['no index', { omitIndex: true }],
    ['no usage, no finish_reason', { omitUsage: true, omitFinishReason: true }],
    ['all at once', ALL],
  ] as const) {
    it(`anthropic stream, two tool calls: ${label}`, async () => {
      h.upstream.quirks = quirks;
      turn = twoCalls;
      const msg = await anthropic.messages.stream({ model: 'gpt-test-1', max_tokens: 100, tools, messages: [{ role: 'user', content: 'go' }] }).finalMessage();
      const uses = msg.content.filter((b) => b.type === 'tool_use');
      expect(uses.map((u) => u.type === 'tool_use' && u.input)).toEqual([{ command: 'ls' }, { command: 'pwd' }]);
      expect(new Set(uses.map((u) => u.type === 'tool_use' && u.id)).size).toBe(2);
      expect(msg.stop_reason).toBe('tool_use');
    });
  }

  it('`tool_calls` finish without calls → end_turn / stop', async () => {
    h.upstream.quirks = { toolCallsFinishWithoutCalls: true };
    turn = { text: 'just text' };
    const msg = await anthropic.messages.stream({ model: 'gpt-test-1', max_tokens: 100, messages: [{ role: 'user', content: 'go' }] }).finalMessage();
    expect(msg.stop_reason).toBe('end_turn');
    const nonStream = await anthropic.messages.create({ model: 'gpt-test-1', max_tokens: 100, messages: [{ role: 'user', content: 'go' }] });
    expect(nonStream.stop_reason).toBe('end_turn');
    const chat = await openai.chat.completions.create({ model: 'gpt-test-1', messages: [{ role: 'user', content: 'go' }] });
    expect(chat.choices[0]?.finish_reason).toBe('stop');
  });

  it('chat client stream gets indexes and a finish_reason', async () => {
    h.upstream.quirks = ALL;
    turn = twoCalls;
    const final = await openai.chat.completions.stream({ model: 'gpt-test-1', messages: [{ role: 'user', content: 'go' }] }).finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => c.type === 'function' && JSON.parse(c.function.arguments))).toEqual([{ command: 'ls' }, { command: 'pwd' }]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('responses client stream with all quirks', async () => {
    h.upstream.quirks = ALL;
    turn = twoCalls;
    const final = await openai.responses.stream({ model: 'gpt-test-1', input: 'go' }).finalResponse();
    const calls = final.output.filter((o) => o.type === 'function_call');
    expect(calls.map((c) => c.type === 'function_call' && JSON.parse(c.arguments))).toEqual([{ command: 'ls' }, { command: 'pwd' }]);
    expect(final.status).toBe('completed');
  });

  it('non-stream without finish_reason', async () => {
    h.upstream.quirks = ALL;
    turn = twoCalls;
    const msg = await anthropic.messages.create({ model: 'gpt-test-1', max_tokens: 100, tools, messages: [{ role: 'user', content: 'go' }] });
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content.filter((b) => b.type === 'tool_use')).toHaveLength(2);
  });
});

describe('normalizeChatStream', () => {
  async function collect(chunks: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    async function* src(): AsyncIterable<Record<string, unknown>> {
      yield* chunks;
    }
    for await (const c of normalizeChatStream(src())) out.push(c);
    return out;
  }
  const c = (delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> => ({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });

  it('assigns indexes by id, makes up missing ids, adds the missing finish chunk', async () => {
    const out = await collect([
      c({ tool_calls: [{ function: { name: 'a', arguments: '{}' } }] }),
      c({ tool_calls: [{ id: 'call_b', function: { name: 'b', arguments: '{"x"' } }] }),
      c({ tool_calls: [{ function: { arguments: ':1}' } }] }),
    ]);
    const calls = out.slice(0, 3).map((o) => ((o.choices as Array<{ delta: { tool_calls: Array<{ index: number; id?: string }> } }>)[0]!.delta.tool_calls[0]!));
    expect(calls.map((x) => x.index)).toEqual([0, 1, 1]);
    expect(calls[0]!.id).toMatch(/^call_/);
    expect((out.at(-1)!.choices as Array<{ finish_reason: string }>)[0]!.finish_reason).toBe('tool_calls');
  });

  it('adds no finish after an error object: the error ends the stream', async () => {
    const error = { error: { message: 'upstream broke', type: 'server_error', param: null, code: null } };
    const out = await collect([c({ content: 'Hel' }), error, c({ content: 'lo' })]);
    expect(out).toEqual([c({ content: 'Hel' }), error]);
  });

  it('puts a missing finish before the usage chunk, with the stream\'s id and model', async () => {
    const usage = { id: 'x', object: 'chat.completion.chunk', model: 'm', created: 1, choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
    const out = await collect([{ ...c({ content: 'Hi' }), model: 'm', created: 1 }, usage]);
    const finishes = out.map((o) => ((o.choices as Array<{ finish_reason: string | null }>)[0] ?? { finish_reason: 'usage chunk' }).finish_reason);
    expect(finishes).toEqual([null, 'stop', 'usage chunk']);
    expect(out[1]).toMatchObject({ id: 'x', model: 'm', created: 1 });
  });
});
