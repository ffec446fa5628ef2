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
    const plain = { model: 'gpt', input: 'hi' };
    expect(dropForeignReasoning(plain)).toBe(plain);
  });
});
