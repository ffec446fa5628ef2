/**
 * The exchange tap: while someone listens to `exchange` events (a request tracer), each model
 * request runs inside an async scope that knows its id, so the upstream client, deep inside a
 * provider, reports what it sends and receives without any provider passing anything along.
 * Nobody listening, no scope: the hot path only asks `events.has('exchange')`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventBus, RequestEvents } from '../events.js';

type Piece = RequestEvents['exchange'];

export class ExchangeTap {
  private attempts = 0;

  constructor(private readonly events: EventBus, private readonly requestId: string, private readonly plugin: string) {}

  emit(piece: Omit<Piece, 'requestId' | 'plugin' | 'timestamp'>): void {
    this.events.emit('exchange', { requestId: this.requestId, plugin: this.plugin, timestamp: Date.now(), ...piece });
  }

  /** One upstream attempt: its request now, then what `onResponse`/`onChunk`/`onError` of the result report. */
  upstream(method: string, url: string, headers: Piece['headers'], body: unknown): UpstreamAttemptTap {
    const attempt = ++this.attempts;
    const printable = typeof body === 'string' || body instanceof Uint8Array ? body : body == null ? undefined : '[streamed body, not captured]';
    this.emit({ leg: 'upstream', part: 'request', attempt, method, url, headers, ...(printable !== undefined ? { body: printable } : {}) });
    return {
      response: (status, h) => this.emit({ leg: 'upstream', part: 'response', attempt, status, headers: h }),
      chunk: (chunk) => this.emit({ leg: 'upstream', part: 'chunk', attempt, body: chunk }),
      error: (err) => this.emit({ leg: 'upstream', part: 'chunk', attempt, error: err instanceof Error ? err.message : String(err) }),
    };
  }
}

export interface UpstreamAttemptTap {
  response(status: number, headers: Piece['headers']): void;
  chunk(chunk: Uint8Array): void;
  error(err: unknown): void;
}

const scope = new AsyncLocalStorage<ExchangeTap>();

export function runTapped<T>(tap: ExchangeTap, fn: () => Promise<T>): Promise<T> {
  return scope.run(tap, fn);
}

/** The tap of the model request this code runs for, when a tracer listens. */
export function currentTap(): ExchangeTap | undefined {
  return scope.getStore();
}
