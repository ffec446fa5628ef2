import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../../../src/core/scheduler/scheduler.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('runs at registration, then every interval', async () => {
    const s = new Scheduler({ random: () => 0 });
    const run = vi.fn(async () => true);
    s.register({ name: 't', intervalSeconds: 10, run }, 'p');
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(2);
    const [state] = s.states('p');
    expect(state).toMatchObject({ name: 't', owner: 'p', consecutiveFailures: 0, running: false });
    expect(state!.lastSuccess).toBeDefined();
    expect(state!.nextRun).toBe(new Date(Date.now() + 10_000).toISOString());
    await s.stop();
  });

  it('skipInitialRun waits one interval; jitter adds up to jitterSeconds', async () => {
    const s = new Scheduler({ random: () => 0.5 });
    const run = vi.fn(async () => undefined);
    s.register({ name: 't', intervalSeconds: 10, jitterSeconds: 4, skipInitialRun: true, run });
    await vi.advanceTimersByTimeAsync(11_999);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await s.stop();
  });

  it('backs off exponentially after failures, capped, and resets on success', async () => {
    const s = new Scheduler({ random: () => 0 });
    let fail = true;
    const times: number[] = [];
    const run = vi.fn(async () => {
      times.push(Date.now());
      if (fail) throw new Error('nope');
      return true;
    });
    s.register({ name: 't', intervalSeconds: 1, maxBackoffSeconds: 5, run });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(2_000); // 2nd run after 2s (1 failure)
    await vi.advanceTimersByTimeAsync(4_000); // 3rd after 4s
    await vi.advanceTimersByTimeAsync(5_000); // 4th capped at 5s
    expect(times.map((t, i) => (i ? t - times[i - 1]! : 0))).toEqual([0, 2000, 4000, 5000]);
    expect(s.states()[0]).toMatchObject({ consecutiveFailures: 4, lastError: 'nope' });
    fail = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.states()[0]).toMatchObject({ consecutiveFailures: 0 });
    expect(s.states()[0]!.lastError).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledTimes(6);
    await s.stop();
  });

  it('a `false` result counts as a failure', async () => {
    const s = new Scheduler();
    s.register({ name: 't', intervalSeconds: 60, run: async () => false });
    await vi.advanceTimersByTimeAsync(0);
    expect(s.states()[0]).toMatchObject({ consecutiveFailures: 1, lastError: 'task reported failure' });
    await s.stop();
  });

  it('never overlaps runs of one task and times a hung run out through its signal', async () => {
    const s = new Scheduler();
    let active = 0;
    let maxActive = 0;
    const signals: AbortSignal[] = [];
    s.register({
      name: 't', intervalSeconds: 1, timeoutSeconds: 3, maxBackoffSeconds: 1,
      run: (signal) => {
        signals.push(signal);
        active++;
        maxActive = Math.max(maxActive, active);
        return new Promise<void>(() => undefined).finally(() => active--);
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(2_000);
    void s.runNow('t');
    expect(signals).toHaveLength(1);
    expect(s.states()[0]!.running).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(signals[0]!.aborted).toBe(true);
    expect(s.states()[0]).toMatchObject({ running: false, consecutiveFailures: 1, lastError: 'timed out after 3s' });
    expect(maxActive).toBe(1);
    await s.stop(10);
  });

  it('stop() cancels timers and aborts running tasks, bounded', async () => {
    const s = new Scheduler();
    let sawAbort = false;
    const run = vi.fn((signal: AbortSignal) => new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => {
        sawAbort = true;
        resolve();
      });
    }));
    s.register({ name: 'a', intervalSeconds: 5, run });
    s.register({ name: 'b', intervalSeconds: 5, skipInitialRun: true, run: async () => undefined });
    await vi.advanceTimersByTimeAsync(0);
    await s.stop(1000);
    expect(sawAbort).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(run).toHaveBeenCalledTimes(1);
    s.register({ name: 'c', intervalSeconds: 1, run });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('refuses duplicate names and bad intervals; ignores disabled tasks; unregister stops a task', async () => {
    const s = new Scheduler();
    const run = vi.fn(async () => undefined);
    s.register({ name: 'x', intervalSeconds: 1, run });
    expect(() => s.register({ name: 'x', intervalSeconds: 1, run })).toThrow(/already registered/);
    expect(() => s.register({ name: 'y', intervalSeconds: 0, run })).toThrow(/intervalSeconds/);
    s.register({ name: 'z', intervalSeconds: 1, run, enabled: false });
    expect(s.states().map((t) => t.name)).toEqual(['x']);
    await vi.advanceTimersByTimeAsync(0);
    s.unregister('x');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(run).toHaveBeenCalledTimes(1);
    await expect(s.runNow('x')).rejects.toThrow(/No scheduled task/);
    await s.stop();
  });
});
