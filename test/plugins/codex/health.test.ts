import { describe, expect, it } from 'vitest';
import { codexHealth, type CodexHealthInput } from '../../../src/plugins/codex/health.js';
import { fallbackDetection } from '../../../src/plugins/codex/detection.js';

const now = Date.parse('2026-11-25T10:00:00Z');
const detected = { ...fallbackDetection('x'), source: 'detected' as const, reason: undefined };
const base: CodexHealthInput = {
  credentials: { accessToken: 't', refreshToken: 'r', accountId: 'acct', expiresAt: now + 3_600_000 },
  credentialsPath: '/h/.codex/auth.json',
  marginMs: 300_000,
  lastRefresh: null,
  detection: detected,
  lastUpstream: null,
  now,
};

describe('codex health', () => {
  it('passes with valid credentials and a detected CLI', () => {
    const h = codexHealth(base);
    expect(h.status).toBe('pass');
    expect(h.details).toMatchObject({ credentials: 'valid', expires_in_seconds: 3600, account_id_known: true, cli: { source: 'detected' } });
  });

  it('warns when expiring, expired but refreshable, after a failed refresh, or on fallback data', () => {
    expect(codexHealth({ ...base, credentials: { ...base.credentials!, expiresAt: now + 60_000 } }).status).toBe('warn');
    expect(codexHealth({ ...base, credentials: { ...base.credentials!, expiresAt: now - 60_000 } }).details).toMatchObject({ credentials: 'expired' });
    expect(codexHealth({ ...base, credentials: { ...base.credentials!, expiresAt: now - 60_000 } }).status).toBe('warn');
    expect(codexHealth({ ...base, lastRefresh: { ok: false, at: now, durationMs: 5, error: 'invalid_grant' } }).output).toMatch(/invalid_grant/);
    const fb = codexHealth({ ...base, detection: fallbackDetection('Codex CLI not found (codex)') });
    expect(fb.status).toBe('warn');
    expect(fb.output).toMatch(/not found/);
  });

  it('fails without usable credentials', () => {
    expect(codexHealth({ ...base, credentials: null }).status).toBe('fail');
    expect(codexHealth({ ...base, credentials: { ...base.credentials!, accountId: undefined } }).status).toBe('fail');
    expect(codexHealth({ ...base, credentials: { accessToken: 't', accountId: 'a', expiresAt: now - 1000 } }).status).toBe('fail');
  });
});
