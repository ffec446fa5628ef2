/** Pass-through requests drop the other vendor's reasoning (see src/formats/shared/foreign-reasoning.ts). */
import { describe, expect, it } from 'vitest';
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
