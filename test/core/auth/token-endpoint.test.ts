import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenEndpointError, readIssuedTokens, refreshFailure, requestTokens } from '../../../src/core/auth/token-endpoint.js';
import { secrets } from '../../../src/core/secrets.js';
import { closeServer, listenLoopback } from '../../fakes/loopback.js';

const URL_ = 'https://auth.example.com/oauth/token?ignored=1';

describe('readIssuedTokens', () => {
  it('reads and registers what the endpoint issued', () => {
    const t = readIssuedTokens({ access_token: 'issued-access-0001', refresh_token: 'issued-refresh-0001', expires_in: 3600, scope: 'a b' }, URL_);
    expect(t).toEqual({ accessToken: 'issued-access-0001', refreshToken: 'issued-refresh-0001', idToken: undefined, expiresIn: 3600, scope: 'a b' });
    expect(secrets.redact('issued-refresh-0001')).toBe('[redacted]');
  });

  it.each([{}, { access_token: '' }, { access_token: 5 }])('no usable access_token (%j): an error naming the endpoint, a 502 for the client', (body) => {
    const err = (() => {
      try {
        readIssuedTokens(body, URL_);
      } catch (e) {
        return e as TokenEndpointError;
      }
    })();
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect(err!.message).toBe('Token endpoint https://auth.example.com/oauth/token answered without an access_token');
    expect(refreshFailure(err!, 'X', 'log in').status).toBe(502);
  });

  it.each(['access_token', 'refresh_token', 'id_token'])('a %s with CR/LF or other control characters is refused', (field) => {
    const body: Record<string, unknown> = { access_token: 'fine-access-token', [field]: 'evil\r\nx-injected: 1' };
    expect(() => readIssuedTokens(body, URL_)).toThrow(new RegExp(`issued an ${field} that contains control characters`));
    expect(() => readIssuedTokens({ access_token: 'tab\there' }, URL_)).toThrow(/control characters/);
    expect(() => readIssuedTokens({ access_token: 'caf\u00e9-token' }, URL_)).toThrow(/non-ASCII/);
  });
});

describe('requestTokens against an endpoint', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    if (server) await closeServer(server);
    server = undefined;
  });
  async function endpoint(status: number, body: unknown): Promise<string> {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    });
    return `${await listenLoopback(server)}/token`;
  }

  it('an error quoting the refresh token it refused does not repeat it; a 4xx is a 401 for the client', async () => {
    const url = await endpoint(400, { error: 'invalid_grant', error_description: 'refresh token never-registered-rt-42 was revoked' });
    const err = await requestTokens({ url, encoding: 'form', params: { grant_type: 'refresh_token', refresh_token: 'never-registered-rt-42', client_id: 'client-id-1234' } }).catch((e: unknown) => e) as TokenEndpointError;
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect(err.message).toBe(`Token endpoint ${url} returned HTTP 400 (invalid_grant: refresh token [redacted] was revoked)`);
    expect(refreshFailure(err, 'X', 'log in').status).toBe(401);
  });
});
