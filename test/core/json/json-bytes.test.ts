/**
 * jsonBytes is Buffer.from(JSON.stringify(body)), byte for byte, whether or not parts of the body
 * come from the caches (shared values, long strings).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../../src/core/json/json-bytes.js';
import { shareValue } from '../../../src/core/json/shared-value.js';

const expected = (body: unknown): Buffer => Buffer.from(JSON.stringify(body));

describe('jsonBytes', () => {
  it('matches JSON.stringify with shared values and long strings at the top level, every time', () => {
    const tools = shareValue([{ name: 'Bash', description: 'Runs — a command “quoted” ✓ 🤖'.repeat(300), input_schema: { type: 'object' } }]);
    const prompt = `You are Codex, ${'a long base prompt with “quotes” and \\ and \n; '.repeat(200)}`;
    for (let turn = 0; turn < 3; turn++) {
      const body = { model: 'm', instructions: prompt, input: [{ role: 'user', content: `turn ${turn}` }], tools, skipped: undefined, fn: () => 1, stream: true };
      expect(jsonBytes(body).equals(expected(body))).toBe(true);
    }
    // First key shared, last key a long string, nothing else.
    const edge = { tools, instructions: prompt };
    expect(jsonBytes(edge).equals(expected(edge))).toBe(true);
  });

  it('matches JSON.stringify for a conversation whose leading turns are shared', () => {
    const earlier = [{ role: 'user', content: 'Fix the “bug” ✓'.repeat(400) }, { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] }].map((m) => shareValue(m));
    for (let turn = 0; turn < 2; turn++) {
      const body = { model: 'm', messages: [...earlier, { role: 'user', content: `turn ${turn}` }, undefined, () => 1], stream: false };
      expect(jsonBytes(body).equals(expected(body))).toBe(true);
    }
    const onlyShared = { messages: [...earlier] };
    expect(jsonBytes(onlyShared).equals(expected(onlyShared))).toBe(true);
  });

  it('leaves a body with nothing reusable to JSON.stringify (toJSON included)', () => {
    const body = { when: new Date(0), nested: { toJSON: () => 'x' }, list: [1, 'two', null] };
    expect(jsonBytes(body).equals(expected(body))).toBe(true);
  });

  it('matches JSON.stringify for random bodies (fast-check)', () => {
    const shared = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null && typeof v === 'object').map((v) => shareValue(v));
    const longText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => s.repeat(Math.ceil(4200 / s.length)));
    const startsShared = fc.tuple(fc.array(shared, { minLength: 1, maxLength: 3 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })).map(([a, b]) => [...a, ...b]);
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), shared, longText, startsShared, fc.constant(undefined));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 6 }), (body) => {
        expect(jsonBytes(body).equals(expected(body))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
