/**
 * WarmPool's idle timeout counts from the moment the CLI is ready, not from its spawn: on a loaded
 * machine the start alone can take longer than a short `prewarm_idle_timeout`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliSpec, WarmCli } from '../../../src/plugins/claude_sdk/cli-start.js';
import { CliProcessRegistry } from '../../../src/plugins/claude_sdk/cli-process.js';
import { WarmPool } from '../../../src/plugins/claude_sdk/warm-pool.js';

const spec = { options: {}, system: 'S', systemPromptMode: 'append', env: {} } as unknown as CliSpec;

/** A started CLI as WarmPool sees it: a pid, whether it can be taken, and close(). */
function fakeCli(pid: number): WarmCli & { closed: boolean } {
  const cli = { cli: { pid, stderr: '' }, closed: false, available: true, close: () => void (cli.closed = true) };
  return cli as unknown as WarmCli & { closed: boolean };
}

/** A start that takes `ms` (fake time) to finish its handshake. */
const slowStart = (cli: WarmCli, ms: number) => () => new Promise<WarmCli>((resolve) => setTimeout(() => resolve(cli), ms));

describe('WarmPool', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps a CLI that took longer to start than the idle timeout for the full idle time after it is ready', async () => {
    const cli = fakeCli(4242);
    const pool = new WarmPool({ registry: new CliProcessRegistry(), idleMs: 1000, start: slowStart(cli, 5000) });
    pool.prepare(spec);
    await vi.advanceTimersByTimeAsync(5000);
    expect(pool.pid).toBe(4242);
    await vi.advanceTimersByTimeAsync(999);
    expect(pool.pid).toBe(4242);
    expect(cli.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(pool.pid).toBeUndefined();
    await vi.advanceTimersByTimeAsync(0);
    expect(cli.closed).toBe(true);
  });

  it('a CLI taken before its idle time ran out is handed over, not closed', async () => {
    const cli = fakeCli(7);
    const pool = new WarmPool({ registry: new CliProcessRegistry(), idleMs: 1000, start: slowStart(cli, 3000) });
    pool.prepare(spec);
    await vi.advanceTimersByTimeAsync(3500);
    expect(await pool.take(spec)).toBe(cli);
    await vi.advanceTimersByTimeAsync(5000);
    expect(cli.closed).toBe(false);
  });

  it('close() during the start closes the CLI once it is up', async () => {
    const cli = fakeCli(8);
    const pool = new WarmPool({ registry: new CliProcessRegistry(), idleMs: 1000, start: slowStart(cli, 3000) });
    pool.prepare(spec);
    pool.close();
    await vi.advanceTimersByTimeAsync(3000);
    expect(cli.closed).toBe(true);
    expect(pool.pid).toBeUndefined();
  });
});
