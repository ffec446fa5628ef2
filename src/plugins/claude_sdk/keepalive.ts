/**
 * Keep-alive for a client's stream while its run waits for a person to approve a tool call: the
 * model is not producing anything, and a client (or a proxy in between) with a read timeout would
 * otherwise give up. What is written is what each API's clients already skip: Anthropic's own
 * `ping` event, and an SSE comment for the OpenAI APIs (their SDKs, like every SSE parser, ignore
 * lines starting with `:`).
 */
import type { ApiFormat } from '../../plugin.js';

export const KEEPALIVE_TEXT: Readonly<Record<ApiFormat, string>> = {
  anthropic: 'event: ping\ndata: {"type": "ping"}\n\n',
  chat: ': keep-alive\n\n',
  responses: ': keep-alive\n\n',
};

const BEAT = Symbol('beat');

/**
 * Beats while something waits: once when the wait starts, then every `everyMs` until it stops. A
 * beat nobody awaited is kept (one at most), so the first one always reaches the stream.
 */
export class Pulse {
  private timer?: NodeJS.Timeout;
  private owed = false;
  private nextBeat?: Promise<typeof BEAT>;
  private resolveBeat?: (beat: typeof BEAT) => void;

  constructor(private readonly everyMs: number) {}

  start(): void {
    if (this.timer) return;
    this.beat();
    this.timer = setInterval(() => this.beat(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves at the next beat (at once if one is owed). */
  next(): Promise<typeof BEAT> {
    if (this.owed) {
      this.owed = false;
      return Promise.resolve(BEAT);
    }
    return (this.nextBeat ??= new Promise((resolve) => (this.resolveBeat = resolve)));
  }

  private beat(): void {
    const resolve = this.resolveBeat;
    this.nextBeat = undefined;
    this.resolveBeat = undefined;
    if (resolve) resolve(BEAT);
    else this.owed = true;
  }
}

/** `source`, with `text` written whenever `pulse` beats between its chunks. */
export async function* withKeepAlive(source: AsyncIterable<string>, pulse: Pulse, text: string): AsyncGenerator<string> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<string>> | undefined;
  let done = false;
  try {
    for (;;) {
      pending ??= it.next();
      const r = await Promise.race([pending, pulse.next()]);
      if (r === BEAT) {
        yield text;
        continue;
      }
      pending = undefined;
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // Left early (the client went away): stop the source, which stops the CLI run.
    if (!done) Promise.resolve(it.return?.(undefined)).catch(() => undefined);
  }
}
