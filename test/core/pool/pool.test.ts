/**
 * AccountPool on the memory state with an injected clock: strategies and weights, cooldowns that
 * end when the clock passes the reset, the all-cooling error, failing accounts, and the limit
 * signals each upstream sends (limits.ts).
 */
import { describe, expect, it } from 'vitest';
import { AllAccountsCoolingError, AccountPool } from '../../../src/core/pool/pool.js';
import { MemoryPoolState } from '../../../src/core/pool/state.js';
import { limitFromError } from '../../../src/core/pool/limits.js';
import { AuthError, UpstreamError, ValidationError } from '../../../src/core/errors.js';
import type { Strategy } from '../../../src/core/pool/config.js';

function pool(strategy: Strategy, weights: Record<string, number> = { a: 1, b: 1 }) {
  const clock = { now: 1_000_000 };
  const state = new MemoryPoolState(() => clock.now);
  const p = new AccountPool({
    provider: 'test', strategy, state, affinityTtlMs: 60_000, now: () => clock.now,
    members: Object.entries(weights).map(([name, weight]) => ({ name, weight, value: name })),
  });
  return { p, clock, state };
}

const ok = async (name: string) => name;
const limited = (retryAfter: number) => new UpstreamError(429, 'rate limited', { retryAfter });

describe('AccountPool', () => {
  it('round_robin follows the weights (3:1)', async () => {
    const { p } = pool('round_robin', { a: 3, b: 1 });
    const served: string[] = [];
    for (let i = 0; i < 8; i++) served.push((await p.run(undefined, (m) => ok(m.name))).account);
    expect(served.filter((s) => s === 'a')).toHaveLength(6);
    expect(served.filter((s) => s === 'b')).toHaveLength(2);
  });

  it('fill_first uses the first ready account; a cooldown ends when the clock passes the reset', async () => {
    const { p, clock } = pool('fill_first');
    const calls: string[] = [];
    const first = await p.run(undefined, async (m) => {
      calls.push(m.name);
      if (m.name === 'a') throw limited(30);
      return m.name;
    });
    expect(first.account).toBe('b');
    expect(calls).toEqual(['a', 'b']);
    expect((await p.run(undefined, (m) => ok(m.name))).account).toBe('b');
    clock.now += 29_000;
    expect((await p.run(undefined, (m) => ok(m.name))).account).toBe('b');
    clock.now += 2_000;
    expect((await p.run(undefined, (m) => ok(m.name))).account).toBe('a');
  });

  it('all cooling: AllAccountsCoolingError (429) with the earliest reset, without calling anyone again', async () => {
    const { p, clock } = pool('fill_first');
    const err = await p.run(undefined, async (m) => {
      throw limited(m.name === 'a' ? 300 : 45);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AllAccountsCoolingError);
    expect((err as AllAccountsCoolingError).status).toBe(429);
    expect((err as AllAccountsCoolingError).retryAfter).toBe(45);
    clock.now += 15_000;
    let called = false;
    const again = await p.run(undefined, async () => {
      called = true;
      return 'x';
    }).catch((e: unknown) => e);
    expect(called).toBe(false);
    expect((again as AllAccountsCoolingError).retryAfter).toBe(30);
  });

  it('least_used prefers the account with fewer requests in flight', async () => {
    const { p, state } = pool('least_used');
    state.begin('test', 'a');
    expect((await p.run(undefined, (m) => ok(m.name))).account).toBe('b');
    state.end('test', 'a');
  });

  it('an AuthError marks the account failing; other errors are the client\'s and pass through untouched', async () => {
    const { p } = pool('fill_first');
    const res = await p.run(undefined, async (m) => {
      if (m.name === 'a') throw new AuthError('token revoked');
      return m.name;
    });
    expect(res.account).toBe('b');
    expect((await p.status()).find((s) => s.name === 'a')!.state).toBe('failing');
    const bad = new ValidationError('bad request');
    await expect(p.run(undefined, async () => {
      throw bad;
    })).rejects.toBe(bad);
  });

  it('affinity: a conversation stays on its account; it moves only when that one cools down', async () => {
    const { p } = pool('round_robin');
    const key = () => 'conversation-1';
    const home = (await p.run(key, (m) => ok(m.name))).account;
    for (let i = 0; i < 10; i++) expect((await p.run(key, (m) => ok(m.name))).account).toBe(home);
    const moved = await p.run(key, async (m) => {
      if (m.name === home) throw limited(60);
      return m.name;
    });
    expect(moved.account).not.toBe(home);
    for (let i = 0; i < 5; i++) expect((await p.run(key, (m) => ok(m.name))).account).toBe(moved.account);
  });

  it('a pool of one calls straight through: a 429 reaches the caller as it was', async () => {
    const { p } = pool('round_robin', { only: 1 });
    const err = limited(5);
    await expect(p.run(() => 'k', async () => {
      throw err;
    })).rejects.toBe(err);
    expect((await p.run(undefined, (m) => ok(m.name))).account).toBe('only');
  });
});

describe('limitFromError', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  it('retry-after', () => {
    expect(limitFromError(limited(30), now)?.cooldownUntil).toBe(now + 30_000);
  });
  it('anthropic-ratelimit-*-reset of an exhausted window (RFC 3339 for keys, epoch seconds for unified)', () => {
    const keyLimit = new UpstreamError(429, 'x', { upstreamHeaders: {
      'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2026-12-04T12:05:00Z',
      'anthropic-ratelimit-tokens-remaining': '5000', 'anthropic-ratelimit-tokens-reset': '2026-12-04T13:00:00Z',
    } });
    expect(limitFromError(keyLimit, now)?.cooldownUntil).toBe(now + 300_000);
    const unified = new UpstreamError(429, 'x', { upstreamHeaders: {
      'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': String(now / 1000 + 7200),
    } });
    expect(limitFromError(unified, now)?.cooldownUntil).toBe(now + 7_200_000);
  });
  it('the ChatGPT backend\'s usage_limit_reached with resets_in_seconds', () => {
    const err = new UpstreamError(429, 'x', { upstreamBody: { error: { type: 'usage_limit_reached', resets_in_seconds: 1800 } } });
    expect(limitFromError(err, now)?.cooldownUntil).toBe(now + 1_800_000);
  });
  it('a 429 saying nothing about when: a minute; not a 429: no limit', () => {
    expect(limitFromError(new UpstreamError(429, 'x'), now)?.cooldownUntil).toBe(now + 60_000);
    expect(limitFromError(new UpstreamError(500, 'x', { retryAfter: 5 }), now)).toBeUndefined();
    expect(limitFromError(new Error('x'), now)).toBeUndefined();
  });
  it('garbage reset values are ignored (1e400, negative, far future, words)', () => {
    const err = new UpstreamError(429, 'x', { upstreamHeaders: {
      'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': '1e400',
      'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': 'soon',
    } });
    expect(limitFromError(err, now)?.cooldownUntil).toBe(now + 60_000);
  });
});
