/** SessionPool and Semaphore: FIFO serialization, abortable waits, bounded pool, idle sweep. */
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../../src/core/errors.js';
import { Semaphore } from '../../../src/plugins/claude_sdk/semaphore.js';
import { SessionPool, isValidSessionId } from '../../../src/plugins/claude_sdk/sessions.js';

describe('Semaphore', () => {
  it('grants in FIFO order and hands a released permit to the next waiter', async () => {
    const s = new Semaphore(1);
    const order: string[] = [];
    const r1 = await s.acquire();
    const p2 = s.acquire().then((r) => (order.push('2'), r));
    const p3 = s.acquire().then((r) => (order.push('3'), r));
    expect(s.waiting).toBe(2);
    r1();
    r1(); // idempotent
    (await p2)();
    (await p3)();
    expect(order).toEqual(['2', '3']);
    expect(s.active).toBe(0);
  });

  it('an aborted wait leaves the queue', async () => {
    const s = new Semaphore(1);
    const r1 = await s.acquire();
    const ac = new AbortController();
    const p = s.acquire(ac.signal);
    ac.abort(new Error('gone'));
    await expect(p).rejects.toThrow('gone');
    expect(s.waiting).toBe(0);
    r1();
    expect(s.active).toBe(0);
    await expect(s.acquire(ac.signal)).rejects.toThrow('gone');
  });
});

describe('SessionPool', () => {
  it('serializes requests on one session', async () => {
    const pool = new SessionPool(4, 1000, 'p');
    const a = await pool.acquire('s1');
    let bGot = false;
    const b = pool.acquire('s1').then((l) => ((bGot = true), l));
    await new Promise((r) => setTimeout(r, 10));
    expect(bGot).toBe(false);
    expect(pool.stats()).toMatchObject({ sessions: 1, busy: 1, waiting: 1 });
    a.session.cliSessionId = 'cli-1';
    a.release();
    const lb = await b;
    expect(lb.session.cliSessionId).toBe('cli-1');
    expect(lb.session.requests).toBe(2);
    lb.release();
    expect(pool.stats()).toMatchObject({ busy: 0, waiting: 0 });
  });

  it('evicts the least recently used idle session when full, refuses when all are busy', async () => {
    let now = 0;
    const pool = new SessionPool(2, 1000, 'p', () => now);
    (await pool.acquire('a')).release();
    now = 5;
    const b = await pool.acquire('b');
    const c = await pool.acquire('c'); // evicts idle "a"
    expect(pool.get('a')).toBeUndefined();
    const err = await pool.acquire('d').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyError);
    expect((err as ProxyError).status).toBe(429);
    b.release();
    c.release();
  });

  it('sweeps idle sessions past the TTL, keeps busy ones, refuses work after close', async () => {
    let now = 0;
    const pool = new SessionPool(8, 100, 'p', () => now);
    (await pool.acquire('idle')).release();
    const busy = await pool.acquire('busy');
    now = 500;
    expect(pool.sweep()).toBe(1);
    expect(pool.get('busy')).toBeDefined();
    const waiter = pool.acquire('busy');
    pool.close();
    await expect(waiter).rejects.toThrow(/shutting down/);
    await expect(pool.acquire('x')).rejects.toThrow(/shutting down/);
    busy.release();
  });

  it('validates ids', () => {
    expect(isValidSessionId('conv-1.a:b_c')).toBe(true);
    expect(isValidSessionId('has space')).toBe(false);
    expect(isValidSessionId('x'.repeat(129))).toBe(false);
  });
});
