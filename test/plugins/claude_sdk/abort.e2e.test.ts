/**
 * Failure handling with the real CLI: a client that disconnects mid-stream stops the CLI process
 * and frees its session; a CLI that never produces output hits the first-chunk timeout and the
 * client gets a clear error in its API's format; the plugin keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from '../../fakes/anthropic-upstream.js';
import { isAlive, readSse, startSdkProxy, waitFor, type SdkProxy } from './harness.js';

let p: SdkProxy;
beforeAll(async () => {
  p = await startSdkProxy();
});
afterAll(async () => {
  await p?.close();
});

interface HealthDetails { cli_pids: number[]; sessions_busy: number; running_requests: number; sessions: number }
async function details(): Promise<HealthDetails> {
  return (await p.health()).details as unknown as HealthDetails;
}

/** `first`, then 400 deltas ` more0` … ` more399`. */
const longText = (first: string): string[] => [first, ...Array.from({ length: 400 }, (_, i) => ` more${i}`)];
/** Never settles: a stream held with it is still running whenever the test acts. */
const never = new Promise<void>(() => undefined);

const body = (content: string, stream: boolean) =>
  JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, stream, messages: [{ role: 'user', content }] });

describe('claude_sdk aborts and timeouts', () => {
  it('client abort mid-stream: the CLI process exits and the session is freed', async () => {
    p.fake.script = () => text(longText('slow start'), { hold: { after: 'more3', until: never } });
    const ac = new AbortController();
    const res = await fetch(`${p.base}/conv-abort/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body('go slow', true), signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('more3')) seen += new TextDecoder().decode((await reader.read()).value);
    const during = await details();
    expect(during.cli_pids.length).toBe(1);
    expect(during.sessions_busy).toBe(1);
    const pid = during.cli_pids[0]!;
    expect(isAlive(pid)).toBe(true);

    ac.abort();
    expect(await waitFor(() => !isAlive(pid))).toBe(true);
    expect(await waitFor(async () => (await details()).sessions_busy === 0)).toBe(true);
    const after = await details();
    expect(after).toMatchObject({ cli_pids: [], running_requests: 0, sessions_busy: 0 });
  });

  it('first-chunk timeout gives a clear error in the API format, then the plugin recovers', async () => {
    // Many times what a CLI takes to answer even on a loaded machine: the request after the hang must make it.
    const q = await startSdkProxy({ first_chunk_timeout: 20 });
    try {
      q.fake.script = () => ({ kind: 'hang' });
      const res = await fetch(`${q.base}/conv-timeout/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, messages: [{ role: 'user', content: 'hang please' }] }),
      });
      expect(res.status).toBe(504);
      // OpenAI error shape, since the request came in on Chat Completions.
      const err = (await res.json()) as { error: { type: string; message: string } };
      expect(err.error.type).toBe('timeout_error');
      expect(err.error.message).toContain('no output');
      expect(await waitFor(async () => ((await q.health()).details.cli_pids as number[]).length === 0)).toBe(true);

      q.fake.script = () => text('recovered fine');
      const ok = await fetch(`${q.base}/conv-timeout/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body('again', false) });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { content: Array<{ text: string }> }).content[0]?.text).toBe('recovered fine');
    } finally {
      await q.close();
    }
  });

  it('idle timeout after the first output ends the stream with an error event', async () => {
    const q = await startSdkProxy({ idle_timeout: 1 });
    try {
      q.fake.script = () => text(['slow ', 'words ', 'here'], { eventDelayMs: 2500 });
      const res = await fetch(`${q.base}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body('idle', true) });
      expect(res.status).toBe(200);
      const frames = await readSse(res);
      expect(frames[0]?.event).toBe('message_start');
      const last = frames.at(-1)!;
      expect(last.event).toBe('error');
      expect(JSON.parse(last.data)).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
      expect(last.data).toContain('silent');
      expect(frames.some((f) => f.event === 'message_stop')).toBe(false);
      expect(await waitFor(async () => ((await q.health()).details.cli_pids as number[]).length === 0)).toBe(true);
    } finally {
      await q.close();
    }
  });

  it('shutdown kills running CLI processes and ends their streams', async () => {
    const q = await startSdkProxy();
    try {
      q.fake.script = () => text(longText('long'), { hold: { after: 'more2', until: never } });
      const res = await fetch(`${q.base}/conv-shut/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body('long', true) });
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('more2')) seen += new TextDecoder().decode((await reader.read()).value);
      const pid = ((await q.health()).details.cli_pids as number[])[0]!;
      await q.plugin.shutdown();
      expect(isAlive(pid)).toBe(false);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += new TextDecoder().decode(value);
      }
      expect(seen).toContain('event: error');
    } finally {
      await q.close();
    }
  });
});
