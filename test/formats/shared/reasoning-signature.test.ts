/** The reasoning codec that keeps thinking/reasoning valid across vendors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAnthropicReasoning,
  decodeResponsesReasoning,
  encodeAnthropicReasoning,
  encodeResponsesReasoning,
  CHAT_REASONING_SIGNATURE,
  isChatReasoningSignature,
  isProxyIssued,
  PROXY_MARK,
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

  it('recognizes every scheme it mints as proxy-issued, and nothing a vendor issues', () => {
    const minted = [
      encodeResponsesReasoning({ id: 'rs_1', encryptedContent: 'gAAA' }),
      encodeAnthropicReasoning({ kind: 'thinking', signature: 'EqQB' }),
      encodeAnthropicReasoning({ kind: 'redacted', data: 'EmwK' }),
      CHAT_REASONING_SIGNATURE,
    ];
    for (const s of minted) {
      expect(s.startsWith(PROXY_MARK)).toBe(true);
      expect(isProxyIssued(s)).toBe(true);
    }
    for (const s of ['EqQBCkYIBxgCKkD', 'gAAAAABpZ0', '', null, undefined]) expect(isProxyIssued(s)).toBe(false);
    expect(isChatReasoningSignature(CHAT_REASONING_SIGNATURE)).toBe(true);
    expect(isChatReasoningSignature(minted[0])).toBe(false);
    expect(decodeResponsesReasoning(CHAT_REASONING_SIGNATURE)).toBeNull();
  });
});
