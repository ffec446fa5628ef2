/** The freeform custom-tool helpers: schema shape and incremental JSON string decoding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customToolInputFromObject, customToolInputSchema, JsonStringFieldStream } from '../../../src/formats/shared/custom-tool.js';

/** Splits `s` at the given (sorted, deduplicated) cut points. */
function split(s: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (s.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(s.slice(prev, p));
    prev = p;
  }
  out.push(s.slice(prev));
  return out;
}

describe('JsonStringFieldStream', () => {
  it('decodes the input string under any chunking, escapes included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.array(fc.nat(200), { maxLength: 12 }), fc.boolean(), (input, cuts, spaced) => {
        const json = spaced ? `{ "input" : ${JSON.stringify(input)} }` : JSON.stringify({ input });
        const stream = new JsonStringFieldStream();
        const pieces = split(json, cuts).map((chunk) => stream.push(chunk));
        expect(pieces.join('')).toBe(input);
        expect(stream.finish()).toBe(input);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes \\u sequences split across chunks', () => {
    const stream = new JsonStringFieldStream();
    const out = ['{"input":"a\\u00', 'e9\\', 'n"}'].map((c) => stream.push(c)).join('');
    expect(out).toBe('a\u00e9\n');
  });

  it('falls back to the JSON text when the input has another shape', () => {
    const stream = new JsonStringFieldStream();
    expect(stream.push('{"patch": 1}')).toBe('');
    expect(stream.finish()).toBe('{"patch":1}');
  });
});

describe('custom tool schema', () => {
  it('is one required string property carrying the grammar', () => {
    const schema = customToolInputSchema({ type: 'grammar', syntax: 'lark', definition: 'start: "x"' });
    expect(schema).toMatchObject({ type: 'object', required: ['input'], additionalProperties: false });
    expect(JSON.stringify(schema)).toContain('start: \\"x\\"');
    expect(customToolInputFromObject({ input: 'raw' })).toBe('raw');
    expect(customToolInputFromObject({ other: 1 })).toBe('{"other":1}');
  });
});
