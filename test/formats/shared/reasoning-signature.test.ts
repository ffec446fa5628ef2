/** The reasoning codec that keeps thinking/reasoning valid across vendors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAnthropicReasoning,
  decodeResponsesReasoning,
  encodeAnthropicReasoning,
  encodeResponsesReasoning,
} from '../../../src/formats/shared/reasoning-signature.js';

describe('reasoning signature codec', () => {
  it('round-trips Responses reasoning refs (encrypted content may contain anything)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^(rs_[A-Za-z0-9]{1,30})?$/), fc.option(fc.string({ minLength: 1 })), (id, enc) => {
        expect(decodeResponsesReasoning(encodeResponsesReasoning({ id, encryptedContent: enc }))).toEqual({ id, encryptedContent: enc });
      }),
    );
  });

  it('round-trips Anthropic signatures and redacted data', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(decodeAnthropicReasoning(encodeAnthropicReasoning({ kind: 'thinking', signature: s }))).toEqual({ kind: 'thinking', signature: s });
        expect(decodeAnthropicReasoning(encodeAnthropicReasoning({ kind: 'redacted', data: s }))).toEqual({ kind: 'redacted', data: s });
      }),
    );
  });

  it('does not claim foreign strings', () => {
    expect(decodeResponsesReasoning('EqQBCkYIBxgCKkD')).toBeNull();
    expect(decodeAnthropicReasoning('gAAAAABpZ0')).toBeNull();
    expect(decodeResponsesReasoning(encodeAnthropicReasoning({ kind: 'thinking', signature: 'x' }))).toBeNull();
  });
});
