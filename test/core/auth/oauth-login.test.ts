import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { buildAuthorizeUrl, parseAuthorizationInput, runOAuthLogin } from '../../../src/core/auth/oauth-login.js';
import { createPkcePair, pkceChallenge } from '../../../src/core/auth/pkce.js';
import { postTokenRequest, TokenEndpointError } from '../../../src/core/auth/token-endpoint.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';

let oauth: FakeOAuthServer;
beforeAll(async () => {
  oauth = await new FakeOAuthServer().start();
});
afterAll(async () => {
  await oauth.close();
});

const base = {
  authorizeUrl: 'https://auth.example.test/oauth/authorize',
  clientId: 'client-1',
  scopes: ['a', 'b'],
};

describe('pkce', () => {
  it('produces an RFC 7636 S256 pair', () => {
    const p = createPkcePair();
    expect(p.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // RFC 7636 appendix B test vector.
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe('parseAuthorizationInput', () => {
  it('accepts code#state, a callback URL and a bare code', () => {
    expect(parseAuthorizationInput(' abc#st ', 'st')).toEqual({ code: 'abc' });
    expect(parseAuthorizationInput('http://localhost:1455/auth/callback?code=xyz&state=st', 'st')).toEqual({ code: 'xyz' });
    expect(parseAuthorizationInput('plain', 'st')).toEqual({ code: 'plain' });
  });
  it('rejects a state mismatch, an empty input and an error URL', () => {
    expect(() => parseAuthorizationInput('abc#other', 'st')).toThrow(/state mismatch/);
    expect(() => parseAuthorizationInput('  ', 'st')).toThrow(/No authorization code/);
    expect(() => parseAuthorizationInput('http://x/cb?error=access_denied', 'st')).toThrow(/access_denied/);
  });
});

describe('runOAuthLogin', () => {
  it('browser mode: callback server on a configurable path, state checked, code exchanged', async () => {
    let opened = '';
    const printed: string[] = [];
    const result = await runOAuthLogin({
      ...base,
      redirectUri: 'http://localhost:0/auth/callback',
      noBrowser: false,
      print: (l) => printed.push(l),
      prompt: async () => '',
      openBrowser: async (url) => {
        opened = url;
        const u = new URL(url);
        const redirect = new URL(u.searchParams.get('redirect_uri')!);
        expect(redirect.pathname).toBe('/auth/callback');
        expect(u.searchParams.get('code_challenge_method')).toBe('S256');
        const cb = `http://127.0.0.1:${redirect.port}${redirect.pathname}?code=the-code&state=${u.searchParams.get('state')}`;
        const res = await request(cb);
        expect(res.statusCode).toBe(200);
        await res.body.text();
      },
      exchange: async (c) =>
        postTokenRequest({
          url: oauth.tokenUrl,
          encoding: 'form',
          params: { grant_type: 'authorization_code', code: c.code, code_verifier: c.verifier, client_id: 'client-1', redirect_uri: c.redirectUri },
        }),
    });
    expect(opened).toContain('client_id=client-1');
    expect(printed.join('\n')).toContain(opened);
    expect(result.access_token).toMatch(/^fake-access-/);
    const call = oauth.calls.at(-1)!;
    expect(call.contentType).toContain('x-www-form-urlencoded');
    expect(call.params.code).toBe('the-code');
    expect(pkceChallenge(call.params.code_verifier!)).toBe(new URL(opened).searchParams.get('code_challenge'));
  });

  it('browser mode: a forged callback (wrong state) fails the login', async () => {
    const err = await runOAuthLogin({
      ...base,
      redirectUri: 'http://localhost:{port}/callback',
      noBrowser: false,
      print: () => undefined,
      prompt: async () => '',
      openBrowser: async (url) => {
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
        const res = await request(`http://127.0.0.1:${redirect.port}/callback?code=x&state=forged`);
        await res.body.text();
      },
      exchange: async () => 'never',
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/state mismatch/);
  });

  it('no-browser mode prints the URL with the manual redirect and accepts a pasted code#state', async () => {
    let url = '';
    const out = await runOAuthLogin({
      ...base,
      redirectUri: 'http://localhost:0/callback',
      manualRedirectUri: 'https://provider.test/oauth/code/callback',
      extraAuthorizeParams: { code: 'true' },
      noBrowser: true,
      print: () => undefined,
      onAuthorizeUrl: (u) => (url = u),
      prompt: async () => `pasted#${new URL(url).searchParams.get('state')}`,
      exchange: async (c) => c,
    });
    expect(out.code).toBe('pasted');
    expect(out.redirectUri).toBe('https://provider.test/oauth/code/callback');
    expect(new URL(url).searchParams.get('code')).toBe('true');
    expect(new URL(url).searchParams.get('scope')).toBe('a b');
  });

  it('buildAuthorizeUrl carries every PKCE parameter', () => {
    const u = new URL(buildAuthorizeUrl(base, 'http://localhost:1/cb', 'CH', 'ST'));
    expect(Object.fromEntries(u.searchParams)).toMatchObject({ response_type: 'code', client_id: 'client-1', code_challenge: 'CH', state: 'ST' });
  });
});

describe('postTokenRequest', () => {
  it('sends JSON and returns the token body', async () => {
    const body = await postTokenRequest({ url: oauth.tokenUrl, encoding: 'json', params: { grant_type: 'refresh_token', refresh_token: 'r', client_id: 'c' } });
    expect(body.access_token).toMatch(/^fake-access-/);
    expect(oauth.calls.at(-1)!.contentType).toContain('json');
  });
  it('maps OAuth errors to TokenEndpointError with status and code', async () => {
    oauth.failWith = { status: 400, error: 'invalid_grant', description: 'Refresh token revoked' };
    try {
      const err = await postTokenRequest({ url: oauth.tokenUrl, encoding: 'json', params: { grant_type: 'refresh_token', refresh_token: 'r', client_id: 'c' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TokenEndpointError);
      expect(err).toMatchObject({ status: 400, oauthError: 'invalid_grant' });
      expect((err as Error).message).toContain('Refresh token revoked');
      expect((err as Error).message).not.toContain('"r"');
    } finally {
      oauth.failWith = null;
    }
  });
  it('reports an unreachable endpoint with status 0', async () => {
    const err = await postTokenRequest({ url: 'http://127.0.0.1:1/token', encoding: 'form', params: {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0 });
  });
});
