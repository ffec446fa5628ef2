import { describe, expect, it } from 'vitest';
import { UpstreamBody, type BodySource } from '../../../src/core/http/upstream-body.js';

function source(): BodySource & { paused: number; resumed: number; aborted?: Error } {
  const s = {
    paused: 0,
    resumed: 0,
    aborted: undefined as Error | undefined,
    pause: () => void s.paused++,
    resume: () => void s.resumed++,
    abort: (reason: Error) => void (s.aborted = reason),
  };
  return s;
}

describe('UpstreamBody', () => {
  it('yields chunks in order, those queued before the reader came and those after', async () => {
    const body = new UpstreamBody();
    body.push(Buffer.from('a'));
    body.push(Buffer.from('b'));
    const seen: string[] = [];
    const reading = (async () => {
      for await (const c of body) seen.push(c.toString());
    })();
    await Promise.resolve();
    body.push(Buffer.from('c'));
    body.end();
    await reading;
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(body.finished).toBe(true);
  });

  it('reads a whole body once: a second read is refused', async () => {
    const body = new UpstreamBody();
    body.push(Buffer.from('{"a":'));
    body.push(Buffer.from('1}'));
    body.end();
    expect(await body.json()).toEqual({ a: 1 });
    await expect(body.text()).rejects.toThrow(/already read/);
  });

  it('hands a one-chunk body back without copying it', async () => {
    const chunk = Buffer.from('only');
    const body = new UpstreamBody();
    body.push(chunk);
    body.end();
    expect(await body.bytes()).toBe(chunk);
  });

  it('pauses its source past the high-water mark and resumes it once drained', async () => {
    const s = source();
    const body = new UpstreamBody();
    body.attach(s);
    for (let i = 0; i < 5; i++) body.push(Buffer.alloc(16 * 1024));
    expect(s.paused).toBeGreaterThan(0);
    body.end();
    let total = 0;
    for await (const c of body) total += c.length;
    expect(total).toBe(80 * 1024);
    expect(s.resumed).toBeGreaterThan(0);
  });

  it('delivers what arrived before a failure, then the error; whole reads map it', async () => {
    const body = new UpstreamBody();
    body.push(Buffer.from('x'));
    body.fail(new Error('reset'));
    const seen: string[] = [];
    await expect((async () => {
      for await (const c of body) seen.push(c.toString());
    })()).rejects.toThrow('reset');
    expect(seen).toEqual(['x']);

    const mapped = new UpstreamBody().mapReadErrors((e) => new Error(`mapped: ${(e as Error).message}`));
    mapped.fail(new Error('timeout'));
    await expect(mapped.text()).rejects.toThrow('mapped: timeout');
    const notJson = new UpstreamBody().mapReadErrors((e) => new Error(`mapped ${(e as Error).name}`));
    notJson.push(Buffer.from('<html>'));
    notJson.end();
    await expect(notJson.json()).rejects.toThrow('mapped SyntaxError');
  });

  it('aborts the source when the reader leaves early or destroys it, and not after the end', async () => {
    const early = source();
    const a = new UpstreamBody();
    a.attach(early);
    a.push(Buffer.from('1'));
    for await (const _ of a) break;
    expect(early.aborted).toBeInstanceOf(Error);

    const waiting = source();
    const b = new UpstreamBody();
    b.attach(waiting);
    const it = b[Symbol.asyncIterator]();
    const next = it.next();
    b.destroy(new Error('client left'));
    expect(await next).toEqual({ value: undefined, done: true });
    expect(waiting.aborted?.message).toBe('client left');

    const done = source();
    const c = new UpstreamBody();
    c.attach(done);
    c.end();
    c.destroy();
    expect(done.aborted).toBeUndefined();
  });

  it('calls its done hook exactly once', async () => {
    let calls = 0;
    const body = new UpstreamBody(() => calls++);
    body.push(Buffer.from('z'));
    body.end();
    await body.text();
    body.destroy();
    expect(calls).toBe(1);
  });
});
