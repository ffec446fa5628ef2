import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRedactor, registerConfiguredSecrets } from '../../src/core/secrets.js';

describe('SecretRedactor', () => {
  it('removes every registered value, wherever it appears, the longest first', () => {
    const r = new SecretRedactor();
    r.register('refresh-token-abcdef', 'refresh-token-abcdef-and-more', undefined, null, 'short');
    expect(r.redact('a refresh-token-abcdef-and-more b refresh-token-abcdef c refresh-token-abcdef')).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
    // Values too short to tell from words are not registered.
    expect(r.redact('short words stay')).toBe('short words stay');
  });

  it('removes sk- keys and JWTs (and a JWT payload or signature alone) nobody registered', () => {
    const r = new SecretRedactor();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';
    expect(r.redact(`key sk-ant-api03-ABCDEFGHIJKLMNOP, token ${jwt}.`)).toBe(`key ${REDACTED}, token ${REDACTED}.`);
    expect(r.redact(`payload ${jwt.split('.')[1]}`)).toBe(`payload ${REDACTED}`);
    r.register(jwt);
    expect(r.redact(`sig ${jwt.split('.')[2]}`)).toBe(`sig ${REDACTED}`);
    // Not secrets: ordinary words containing the letters.
    expect(r.redact('task-management disk-usage sk-short')).toBe('task-management disk-usage sk-short');
  });

  it('removes per-call values too, and redacts JSON text', () => {
    const r = new SecretRedactor();
    expect(r.redact('echo client-key-12345678', ['client-key-12345678'])).toBe(`echo ${REDACTED}`);
    r.register('registered-secret-1');
    expect(JSON.parse(r.redactJson({ a: ['x registered-secret-1 y'] }))).toEqual({ a: [`x ${REDACTED} y`] });
  });

  it('stays bounded as rotated tokens keep arriving, dropping the oldest', () => {
    const r = new SecretRedactor();
    for (let i = 0; i < 600; i++) r.register(`rotated-token-${String(i).padStart(4, '0')}`);
    expect(r.redact('rotated-token-0599')).toBe(REDACTED);
    expect(r.redact('rotated-token-0000')).toBe('rotated-token-0000');
  });

  it('registerConfiguredSecrets takes every value under a secret-named key', () => {
    const r = new SecretRedactor();
    registerConfiguredSecrets({ server: { auth_token: 'proxy-auth-123456', port: 8000 }, plugins: { openai: { instances: [{ api_key: 'instance-key-123456', base_url: 'http://x.example' }] } } }, r);
    expect(r.redact('proxy-auth-123456 instance-key-123456 http://x.example')).toBe(`${REDACTED} ${REDACTED} http://x.example`);
  });
});
