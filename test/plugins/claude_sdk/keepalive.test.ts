/**
 * Keep-alive while a run waits for an approval: the first beat always reaches the stream (even
 * when nobody was waiting for it), beats fall between whole chunks, and leaving early stops the
 * source. The texts are what each API's clients skip.
 */
import { describe, expect, it } from 'vitest';
import { KEEPALIVE_TEXT, Pulse, withKeepAlive } from '../../../src/plugins/claude_sdk/keepalive.js';

/** A source whose chunks the test releases one by one. */
function gatedSource() {
  const queue: Array<(v: IteratorResult<string>) => void> = [];
  let returned = false;
  const source: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<string>>((r) => queue.push(r)),
      return: async () => {
        returned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  const release = (value?: string) => queue.shift()?.(value === undefined ? { done: true, value: undefined } : { done: false, value });
  return { source, release, returned: () => returned, waiting: () => queue.length };
}

describe('withKeepAlive', () => {
  it('writes the keep-alive when a wait starts, between whole chunks, and ends with the source', async () => {
    const pulse = new Pulse(60_000);
    const src = gatedSource();
    const it = withKeepAlive(src.source, pulse, KEEPALIVE_TEXT.anthropic)[Symbol.asyncIterator]();
    const first = it.next();
    src.release('event: a\n\n');
    expect(await first).toEqual({ done: false, value: 'event: a\n\n' });
    const second = it.next();
    pulse.start();
    expect(await second).toEqual({ done: false, value: 'event: ping\ndata: {"type": "ping"}\n\n' });
    pulse.stop();
    const third = it.next();
    src.release('event: b\n\n');
    expect(await third).toEqual({ done: false, value: 'event: b\n\n' });
    const end = it.next();
    src.release();
    expect(await end).toEqual({ done: true, value: undefined });
    expect(src.returned()).toBe(false);
  });

  it('keeps a beat nobody awaited, and stops the source when the consumer leaves', async () => {
    const pulse = new Pulse(60_000);
    pulse.start(); // before anyone reads
    pulse.stop();
    const src = gatedSource();
    const it = withKeepAlive(src.source, pulse, KEEPALIVE_TEXT.chat)[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: false, value: ': keep-alive\n\n' });
    await it.return(undefined);
    expect(src.returned()).toBe(true);
  });

  it('uses what each API already skips', () => {
    expect(KEEPALIVE_TEXT).toEqual({ anthropic: 'event: ping\ndata: {"type": "ping"}\n\n', chat: ': keep-alive\n\n', responses: ': keep-alive\n\n' });
  });
});
