/** Pass-through requests drop the other vendor's reasoning (see src/formats/shared/foreign-reasoning.ts). */
import { describe, expect, it } from 'vitest';
import { direction as anthropicToResponses } from '../../../src/formats/anthropic-to-responses/index.js';
import { direction as chatToAnthropic } from '../../../src/formats/chat-to-anthropic/index.js';
import { direction as responsesToAnthropic } from '../../../src/formats/responses-to-anthropic/index.js';
import { dropForeignReasoning, dropForeignThinking } from '../../../src/formats/shared/foreign-reasoning.js';

describe('dropForeignThinking', () => {
  it('removes Responses-issued thinking and keeps Anthropic thinking', () => {
    const body = {
      model: 'claude',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 'ccproxy-rs1:rs_1:gAAA' }, { type: 'text', text: 'a' }] },
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 'EqQBnative' }, { type: 'text', text: 'b' }] },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'ccproxy-rs1:rs_2:' }] },
      ],
    };
    const dropped: string[] = [];
    const out = dropForeignThinking(body, { onDrop: (f) => dropped.push(f) });
    expect(out.messages).toEqual([body.messages[0], { role: 'assistant', content: [{ type: 'text', text: 'a' }] }, body.messages[2], body.messages[3]]);
    expect(dropped).toEqual(['messages.content.thinking']);
  });

  it('removes Chat-derived thinking (ccproxy-cr1) too, and every other proxy-minted signature', () => {
    const body = {
      model: 'claude',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'from deepseek', signature: 'ccproxy-cr1:' }, { type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 'ccproxy-zz9:future' }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'own', signature: 'EqQBnative' }] },
      ],
    };
    const dropped: string[] = [];
    const out = dropForeignThinking(body, { onDrop: (f) => dropped.push(f) });
    expect(out.messages).toEqual([
      body.messages[0],
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      body.messages[2],
      body.messages[4],
    ]);
    expect(dropped).toEqual(['messages.content.thinking']);
  });

  it('returns the same body when nothing is foreign', () => {
    const body = { model: 'claude', messages: [{ role: 'assistant', content: [{ type: 'thinking', thinking: '', signature: 'x' }] }] };
    expect(dropForeignThinking(body)).toBe(body);
  });
});

describe('what the converters mint is what pass-through drops', () => {
  it('Chat and Responses reasoning replayed to Anthropic, Anthropic thinking replayed to OpenAI', () => {
    const fromChat = chatToAnthropic.response({ id: 'c', choices: [{ message: { role: 'assistant', content: 'a', reasoning_content: 'hmm' }, finish_reason: 'stop' }] }, {});
    const fromResponses = responsesToAnthropic.response(
      { id: 'resp_1', status: 'completed', output: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAA' }, { type: 'message', content: [{ type: 'output_text', text: 'b' }] }] },
      {},
    );
    const history = [fromChat, fromResponses].map((m) => ({ role: 'assistant', content: m.content }));
    const out = dropForeignThinking({ model: 'claude', messages: history });
    expect(out.messages).toEqual([{ role: 'assistant', content: [{ type: 'text', text: 'a' }] }, { role: 'assistant', content: [{ type: 'text', text: 'b' }] }]);

    const fromAnthropic = anthropicToResponses.response({ id: 'msg_1', type: 'message', content: [{ type: 'thinking', thinking: 't', signature: 'EqQB' }], stop_reason: 'end_turn' }, {});
    expect(dropForeignReasoning({ model: 'gpt', input: fromAnthropic.output as unknown[] }).input).toEqual([]);
  });
});

describe('dropForeignReasoning', () => {
  it('removes reasoning items wrapping Anthropic thinking', () => {
    const body = {
      model: 'gpt',
      input: [
        { type: 'reasoning', id: 'rs_a', summary: [], encrypted_content: 'ccproxy-at1:SIG' },
        { type: 'reasoning', id: 'rs_b', summary: [], encrypted_content: 'gAAAAB' },
        { role: 'user', content: 'hi' },
      ],
    };
    expect(dropForeignReasoning(body).input).toEqual([body.input[1], body.input[2]]);
    const redacted = { model: 'gpt', input: [{ type: 'reasoning', id: 'rs_c', summary: [], encrypted_content: 'ccproxy-ar1:DATA' }] };
    expect(dropForeignReasoning(redacted).input).toEqual([]);
    const own = { model: 'gpt', input: [{ type: 'reasoning', id: 'rs_d', summary: [], encrypted_content: 'gAAAAB' }, { type: 'reasoning', id: 'rs_e', summary: [] }] };
    expect(dropForeignReasoning(own)).toBe(own);
    const plain = { model: 'gpt', input: 'hi' };
    expect(dropForeignReasoning(plain)).toBe(plain);
  });
});
