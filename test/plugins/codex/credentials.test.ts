import { describe, expect, it } from 'vitest';
import { parseCodexAuth, resolveAuthFile, withNewTokens } from '../../../src/plugins/codex/auth/credentials.js';
import { ACCOUNT_ID, accessToken, idToken, makeJwt } from './helpers.js';

describe('auth.json', () => {
  it('resolves the file: config, then $CODEX_HOME, then ~/.codex', () => {
    expect(resolveAuthFile('/x/auth.json', {})).toBe('/x/auth.json');
    expect(resolveAuthFile(undefined, { CODEX_HOME: '/ch' })).toBe('/ch/auth.json');
    expect(resolveAuthFile(undefined, {})).toMatch(/\.codex\/auth\.json$/);
  });

  it('reads expiry from the access token and the account id from the id token claim', () => {
    const access = accessToken(600);
    const creds = parseCodexAuth({ tokens: { access_token: access, refresh_token: 'r', id_token: idToken() } });
    expect(creds?.accountId).toBe(ACCOUNT_ID);
    expect(creds?.email).toBe('dev@example.com');
    expect(creds?.planType).toBe('pro');
    expect(Math.abs((creds?.expiresAt ?? 0) - (Date.now() + 600_000))).toBeLessThan(5000);
  });

  it('prefers tokens.account_id and treats API-key mode as no ChatGPT credentials', () => {
    const creds = parseCodexAuth({ tokens: { access_token: makeJwt({}), account_id: 'acct-file' } });
    expect(creds?.accountId).toBe('acct-file');
    expect(creds?.expiresAt).toBeUndefined();
    expect(parseCodexAuth({ OPENAI_API_KEY: 'sk-x' })).toBeNull();
    expect(parseCodexAuth(null)).toBeNull();
  });

  it('merges new tokens keeping foreign fields and the old refresh token when none is returned', () => {
    const before = { OPENAI_API_KEY: null, tokens: { access_token: 'a', refresh_token: 'r1', id_token: idToken(), account_id: ACCOUNT_ID, extra: 1 }, foreign: { x: 1 } };
    const after = withNewTokens(before, { access_token: 'b' }, new Date('2026-11-25T00:00:00Z'));
    expect(after).toEqual({
      OPENAI_API_KEY: null,
      tokens: { access_token: 'b', refresh_token: 'r1', id_token: before.tokens.id_token, account_id: ACCOUNT_ID, extra: 1 },
      foreign: { x: 1 },
      last_refresh: '2026-11-25T00:00:00.000Z',
    });
  });
});
