/**
 * Prewarming with the real CLI: after a complete stateless request the plugin keeps one CLI
 * started with that request's options, and the next request like it runs on that process instead
 * of spawning one; other options close it; an unused one stops after its idle timeout and at
 * shutdown; `prewarm = false` leaves no process behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { text } from '../../fakes/anthropic-upstream.js';
import { isAlive, startSdkProxy, waitFor, type SdkProxy } from './harness.js';

interface Details { cli_pids: number[]; prewarmed_cli_pid: number | null; running_requests: number }

let p: SdkProxy | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

async function details(): Promise<Details> {
  return (await p!.health()).details as unknown as Details;
}

const request = (system: string, content: string, stream = false) =>
  fetch(`${p!.base}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, stream, system, messages: [{ role: 'user', content }] }),
  });

async function answer(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  return ((await res.json()) as { content: Array<{ text: string }> }).content.map((b) => b.text).join('');
}

/** The prewarmed CLI's pid once one is up (its handshake done). */
async function warmPid(): Promise<number> {
  let pid: number | null = null;
  expect(await waitFor(async () => (pid = (await details()).prewarmed_cli_pid) !== null)).toBe(true);
  return pid!;
}

/** 1 + 100 deltas; the fake holds the stream after ` more3` while the test looks at the processes. */
const slow = (first: string): string[] => [first, ...Array.from({ length: 100 }, (_, i) => ` more${i}`)];

describe('claude_sdk prewarm', () => {
  it('runs the next request with the same options on the CLI started after the previous one', async () => {
    p = await startSdkProxy();
    p.fake.script = () => text('first answer');
    expect(await answer(await request('Be brief.', 'one'))).toBe('first answer');
    const warm = await warmPid();
    expect(isAlive(warm)).toBe(true);

    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    p.fake.script = () => text(slow('second'), { hold: { after: 'more3', until: released } });
    const res = await request('Be brief.', 'two', true);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('more3')) seen += new TextDecoder().decode((await reader.read()).value);
    // Mid-answer, the only CLI alive is the one that was waiting: no second process was spawned.
    const during = await details();
    expect(during.cli_pids).toEqual([warm]);
    expect(during.prewarmed_cli_pid).toBeNull();
    release();
    while (!(await reader.read()).done) { /* drain */ }

    // Its input ended with the one message: it exits, and the next CLI is started for the request after.
    expect(await waitFor(() => !isAlive(warm))).toBe(true);
    const next = await warmPid();
    expect(next).not.toBe(warm);
    expect(p.fake.requests.at(-1)?.body.system).toEqual(expect.arrayContaining([expect.objectContaining({ text: expect.stringContaining('Be brief.') })]));
  });

  it('closes the waiting CLI when a request needs other options, and serves it on a fresh one', async () => {
    p = await startSdkProxy();
    p.fake.script = () => text('ok');
    await answer(await request('System A.', 'one'));
    const warmA = await warmPid();

    p.fake.script = () => text('other system');
    expect(await answer(await request('System B.', 'two'))).toBe('other system');
    expect(await waitFor(() => !isAlive(warmA))).toBe(true);
    const lastSystem = JSON.stringify(p.fake.requests.at(-1)?.body.system);
    expect(lastSystem).toContain('System B.');
    expect(lastSystem).not.toContain('System A.');
    // …and the one waiting now is for B.
    expect(await warmPid()).not.toBe(warmA);
  });

  it('stops an unused prewarmed CLI after prewarm_idle_timeout, and at shutdown', async () => {
    p = await startSdkProxy({ prewarm_idle_timeout: 1 });
    p.fake.script = () => text('ok');
    await answer(await request('Idle test.', 'one'));
    const idle = await warmPid();
    expect(await waitFor(() => !isAlive(idle))).toBe(true);
    expect((await details()).prewarmed_cli_pid).toBeNull();

    await answer(await request('Idle test.', 'two'));
    const kept = await warmPid();
    await p.close();
    p = undefined;
    expect(isAlive(kept)).toBe(false);
  });

  it('with prewarm = false no CLI is left after a request', async () => {
    p = await startSdkProxy({ prewarm: false });
    p.fake.script = () => text('ok');
    await answer(await request('No warm.', 'one'));
    expect(await waitFor(async () => (await details()).cli_pids.length === 0)).toBe(true);
    expect((await details()).prewarmed_cli_pid).toBeNull();
  });
});
