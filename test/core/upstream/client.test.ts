/**
 * The upstream client against a local upstream that checks tokens: credentials from a token
 * source, one refresh and one retry on 401 (and no second one), the source's own error for a
 * credential refused for good, the response timeout, decompression, the outcome observer, the
 * health record, and account-pool failover through it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { AuthError, UpstreamConnectionError, UpstreamError } from '../../../src/core/errors.js';
import { AccountPool } from '../../../src/core/pool/pool.js';
import { MemoryPoolState } from '../../../src/core/pool/state.js';
import { TokenRefresher } from '../../../src/core/auth/refresher.js';
import { UpstreamClient, UpstreamStats, type TokenSource, type UpstreamCallOptions } from '../../../src/core/upstream/index.js';
import type { RequestObserver } from '../../../src/core/adapter.js';
import type { EventBus, RequestEvents } from '../../../src/core/events.js';
import { ExchangeTap, runTapped } from '../../../src/core/http/exchange-tap.js';
import { startCredentialedUpstream, type CredentialedUpstream } from '../../fakes/credentialed-upstream.js';

let upstream: CredentialedUpstream;
const agent = new Agent();
const client = new UpstreamClient(agent);

beforeAll(async () => {
  upstream = await startCredentialedUpstream();
});
afterAll(async () => {
  await upstream.close();
  await agent.close();
});
beforeEach(() => {
  upstream.seen.length = 0;
  upstream.valid.clear();
  upstream.limited.clear();
  upstream.quoteRefused = false;
});

/** A token source that hands out `first`, then `next` on refresh, counting refreshes. */
function rotating(first: string, next: string, extra: Partial<TokenSource<string>> = {}) {
  const source = {
    refreshes: 0,
    token: () => first,
    refresh: async (failed: string) => {
      source.refreshes++;
      expect(failed).toBe(first);
      return next;
    },
    ...extra,
  };
  return source;
}

function call(source: TokenSource<string>, more: Partial<UpstreamCallOptions<string>> = {}): UpstreamCallOptions<string> {
  return {
    url: `${upstream.url}/echo`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hello: 'world' }),
    plugin: 'test',
    credential: { source, apply: (t) => ({ headers: { authorization: `Bearer ${t}` } }) },
    ...more,
  };
}

function recordingObserver(): Pick<RequestObserver, 'upstreamResponse'> & { seen: Array<{ status: number; account?: string; ms: number }> } {
  const seen: Array<{ status: number; account?: string; ms: number }> = [];
  return { seen, upstreamResponse: (status, ms, account) => seen.push({ status, ms, ...(account ? { account } : {}) }) };
}

describe('UpstreamClient credentials', () => {
  it('sends the token source\'s credential', async () => {
    upstream.valid.add('good');
    const res = await client.request(call({ token: () => 'good' }));
    expect(await res.body.json()).toEqual({ echo: { hello: 'world' }, token: 'good' });
    expect(upstream.seen.map((s) => s.token)).toEqual(['good']);
  });

  it('401 → one refresh → the same request once more with the new token', async () => {
    upstream.valid.add('fresh');
    const source = rotating('stale', 'fresh');
    const res = await client.request(call(source));
    expect(res.status).toBe(200);
    expect(await res.body.json()).toMatchObject({ token: 'fresh', echo: { hello: 'world' } });
    expect(source.refreshes).toBe(1);
    expect(upstream.seen.map((s) => [s.token, s.body])).toEqual([['stale', '{"hello":"world"}'], ['fresh', '{"hello":"world"}']]);
  });

  it('a second 401 is the answer: no second refresh, no third request', async () => {
    const source = rotating('stale', 'also-bad');
    const err = await client.request(call(source)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ status: 401, message: 'Invalid bearer token' });
    expect(source.refreshes).toBe(1);
    expect(upstream.seen).toHaveLength(2);
  });

  it('a credential refused for good becomes the source\'s error (after the refresh, or at once without one)', async () => {
    const refreshed = rotating('stale', 'also-bad', { rejected: (e, after) => new AuthError(`refused ${after ? 'after' : 'without'} a refresh: ${e.message}`) });
    await expect(client.request(call(refreshed))).rejects.toThrow(new AuthError('refused after a refresh: Invalid bearer token'));
    const key: TokenSource<string> = { token: () => 'sk-wrong', rejected: (e, after) => new AuthError(`key refused (${after}): ${e.message}`) };
    await expect(client.request(call(key))).rejects.toThrow('key refused (false): Invalid bearer token');
    expect(upstream.seen).toHaveLength(3);
  });

  it('an error body that quotes the credential does not reach the client with it', async () => {
    upstream.quoteRefused = true;
    const err = (await client.request(call({ token: () => 'tok-unregistered-secret' })).catch((e: unknown) => e)) as UpstreamError;
    expect(err.status).toBe(401);
    expect(err.message).not.toContain('tok-unregistered-secret');
    const rejected = (await client.request(call({ token: () => 'tok-other-secret', rejected: (e) => e })).catch((e: unknown) => e)) as UpstreamError;
    expect(rejected.message).not.toContain('tok-other-secret');
  });

  it('a source that cannot give a credential fails the call before anything is sent', async () => {
    const none: TokenSource<string> = { token: async () => { throw new AuthError('log in first'); } };
    await expect(client.request(call(none))).rejects.toThrow('log in first');
    expect(upstream.seen).toHaveLength(0);
  });

  it('concurrent 401s on a TokenRefresher: one refresh for all, every request retried once', async () => {
    let stored = { accessToken: 'old', refreshToken: 'r1' };
    let refreshes = 0;
    const refresher = new TokenRefresher({
      load: async () => stored,
      refresh: async () => {
        refreshes++;
        stored = { accessToken: 'new', refreshToken: 'r2' };
        return stored;
      },
    });
    upstream.valid.add('new');
    const results = await Promise.all(Array.from({ length: 10 }, () => client.request({
      ...call({ token: () => 'unused' }),
      credential: { source: refresher, apply: (t) => ({ headers: { authorization: `Bearer ${t.accessToken}` } }) },
    })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    await Promise.all(results.map((r) => r.body.text()));
    expect(refreshes).toBe(1);
    expect(upstream.seen.filter((s) => s.token === 'old')).toHaveLength(10);
    expect(upstream.seen.filter((s) => s.token === 'new')).toHaveLength(10);
  });

  it('an abort while the refresh runs ends the call without a second request', async () => {
    let release!: (t: string) => void;
    const source: TokenSource<string> = { token: () => 'stale', refresh: () => new Promise((r) => (release = r)) };
    const controller = new AbortController();
    const pending = client.request(call(source, { signal: controller.signal }));
    await expect.poll(() => release).toBeTypeOf('function');
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toMatchObject({ status: 499 });
    release('fresh');
    expect(upstream.seen).toHaveLength(1);
  });
});

describe('UpstreamClient timeout, decompression, observer, stats', () => {
  it('no response headers within the timeout: a 504 that names the upstream', async () => {
    upstream.valid.add('good');
    const err = await client.request(call({ token: () => 'good' }, { url: `${upstream.url}/stall`, timeout: 0.2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamConnectionError);
    expect(err).toMatchObject({ status: 504, message: `test: no response from ${upstream.url} within 0.2s` });
  });

  it('a gzip-compressed answer arrives decoded', async () => {
    upstream.valid.add('good');
    const res = await client.request(call({ token: () => 'good' }, { url: `${upstream.url}/gzip` }));
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(await res.body.json()).toMatchObject({ token: 'good' });
  });

  it('the observer hears the answer the client gets (once, after a retry), with the account', async () => {
    upstream.valid.add('fresh');
    const observer = recordingObserver();
    await (await client.request(call(rotating('stale', 'fresh'), { observer, account: 'work' }))).body.text();
    expect(observer.seen).toHaveLength(1);
    expect(observer.seen[0]).toMatchObject({ status: 200, account: 'work' });
    expect(observer.seen[0]!.ms).toBeGreaterThanOrEqual(0);
    // An error status is the client's error, not an upstream response.
    await client.request(call({ token: () => 'bad' }, { observer })).catch(() => undefined);
    expect(observer.seen).toHaveLength(1);
  });

  it('a request tracer sees each attempt as it was sent, credential included', async () => {
    upstream.valid.add('fresh');
    const pieces: Array<RequestEvents['exchange']> = [];
    const events: EventBus = { emit: (_name, piece) => void pieces.push(piece as RequestEvents['exchange']), has: () => true, on: () => () => undefined };
    await runTapped(new ExchangeTap(events, 'req_1', 'test'), async () => {
      await (await client.request(call(rotating('stale', 'fresh')))).body.text();
    });
    const sent = pieces.filter((p) => p.leg === 'upstream' && p.part === 'request');
    expect(sent.map((p) => [p.attempt, p.url, p.headers?.authorization])).toEqual([[1, `${upstream.url}/echo`, 'Bearer stale'], [2, `${upstream.url}/echo`, 'Bearer fresh']]);
    expect(pieces.filter((p) => p.part === 'response').map((p) => [p.attempt, p.status])).toEqual([[1, 401], [2, 200]]);
  });

  it('stats record the last outcome for health', async () => {
    const stats = new UpstreamStats();
    upstream.valid.add('good');
    await (await client.request(call({ token: () => 'good' }, { stats }))).body.text();
    expect(stats).toMatchObject({ lastStatus: 200, lastError: undefined, lastResponse: { status: 200 } });
    await client.request(call({ token: () => 'bad' }, { stats })).catch(() => undefined);
    expect(stats).toMatchObject({ lastStatus: 401, lastError: 'Invalid bearer token', lastResponse: { status: 401 } });
    expect(stats.lastOkAt).toBeTypeOf('string');
  });
});

describe('UpstreamClient with an account pool', () => {
  function pool(names: string[]) {
    return new AccountPool<TokenSource<string>>({
      provider: 'test', strategy: 'fill_first', state: new MemoryPoolState(), affinityTtlMs: 60_000,
      members: names.map((name) => ({ name, weight: 1, value: { token: () => `tok-${name}` } })),
    });
  }

  it('a rate-limited account fails over to the next before anything reached the client, and cools down', async () => {
    upstream.valid.add('tok-a').add('tok-b');
    upstream.limited.add('tok-a');
    const p = pool(['a', 'b']);
    const observer = recordingObserver();
    const res = await client.pooled(p, {}, (m) => ({ ...call(m.value), observer }));
    expect(res.account).toBe('b');
    expect(await res.body.json()).toMatchObject({ token: 'tok-b' });
    expect(upstream.seen.map((s) => s.token)).toEqual(['tok-a', 'tok-b']);
    expect(observer.seen.map((o) => o.account)).toEqual(['b']);
    expect((await p.status()).find((s) => s.name === 'a')).toMatchObject({ state: 'cooling', reason: 'rate limited (retry-after)' });
    // The next call skips the cooling account.
    const again = await client.pooled(p, {}, (m) => call(m.value));
    expect(again.account).toBe('b');
    expect(upstream.seen.map((s) => s.token)).toEqual(['tok-a', 'tok-b', 'tok-b']);
  });

  it('a pool of one calls straight through and names no account', async () => {
    upstream.valid.add('tok-only');
    const res = await client.pooled(pool(['only']), {}, (m) => call(m.value));
    expect(res.account).toBeUndefined();
    expect(res.status).toBe(200);
  });
});
