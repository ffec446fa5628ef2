import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeUtf8, encodeUtf8 } from '../../../src/core/json/utf8.js';

describe('encodeUtf8 / decodeUtf8', () => {
  it('give exactly what Buffer.from and toString give, small and large, astral and lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 0, max: 3 }), (piece, scale) => {
        // Repeat to cross the size where the fast path starts.
        const text = piece.repeat(scale === 0 ? 1 : 60 * scale);
        const bytes = Buffer.from(text);
        expect(encodeUtf8(text).equals(bytes)).toBe(true);
        expect(decodeUtf8(bytes)).toBe(bytes.toString('utf8'));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps each result intact when the next call reuses the scratch buffer', () => {
    const a = encodeUtf8('’'.repeat(5000));
    const b = encodeUtf8('é'.repeat(9000));
    expect(a.equals(Buffer.from('’'.repeat(5000)))).toBe(true);
    expect(b.equals(Buffer.from('é'.repeat(9000)))).toBe(true);
  });
});
