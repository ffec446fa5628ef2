import { describe, expect, it } from 'vitest';
import { TokenCipher } from '../../../src/core/pool/token-cipher.js';

describe('TokenCipher (credentials at rest in Redis)', () => {
  const plain = JSON.stringify({ claudeAiOauth: { accessToken: 'sk-ant-oat01-secret', refreshToken: 'sk-ant-ort01-secret' } });
  it('seals without the plain text and opens with the same key and key name only', () => {
    const c = new TokenCipher('a-long-random-encryption-key');
    const sealed = c.seal(plain, 'p:cred:claude_api:a');
    expect(sealed).not.toContain('secret');
    expect(c.seal(plain, 'p:cred:claude_api:a')).not.toBe(sealed); // fresh IV each time
    expect(c.open(sealed, 'p:cred:claude_api:a')).toBe(plain);
    expect(() => c.open(sealed, 'p:cred:claude_api:b')).toThrow();
    expect(() => new TokenCipher('another-long-random-key').open(sealed, 'p:cred:claude_api:a')).toThrow();
    const tampered = `${sealed.slice(0, -4)}${sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(() => c.open(tampered, 'p:cred:claude_api:a')).toThrow();
    expect(() => c.open('plain text', 'p:cred:claude_api:a')).toThrow();
  });
});
