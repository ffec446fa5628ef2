/**
 * Server-sent events, both directions, for the three APIs' streams.
 *
 * Parsing is eventsource-parser's (spec-complete: chunk boundaries anywhere, CR/LF/CRLF, BOM,
 * comments and keep-alive lines); this module adds JSON decoding per format. Writing is validated:
 * event names and ids may not contain line breaks, and multi-line data is split into `data:` lines.
 * Both sides avoid per-chunk regexes: they sit on every streamed token.
 */
import { createParser } from 'eventsource-parser';
import type { ApiFormat } from './types.js';
import type { ErrorKind } from '../core/errors.js';
import type { JsonObject, StreamEvent } from './types.js';
import { errorEvent } from './errors.js';
import { unreadableAnswer, unreadableEvent } from './unreadable.js';

export interface SseMessage {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Feeds a byte (or text) stream through eventsource-parser and hands each batch of complete
 * messages to `take`, which maps them to what the caller yields. One generator layer for both raw
 * and JSON parsing: every async-generator hop costs per event, and this sits on every token.
 */
async function* parseBatches<T>(
  bytes: AsyncIterable<Uint8Array | string>,
  take: (message: SseMessage) => T | typeof SKIP | typeof STOP,
  /** What to yield last when the byte source throws (connection reset, idle timeout); rethrown if absent. */
  onSourceError?: (err: unknown) => T,
): AsyncIterable<T> {
  let batch: T[] = [];
  let stopped = false;
  let overflow: Error | undefined;
  const parser = createParser({
    // A peer that never ends its event would otherwise grow the buffer without bound.
    maxBufferSize: MAX_EVENT_CHARS,
    onError: (err) => {
      if (err.type === 'max-buffer-size-exceeded') overflow = new Error(`SSE event larger than ${MAX_EVENT_CHARS} characters`);
    },
    onEvent: (m) => {
      if (stopped) return;
      const out = take(m.event === undefined && m.id === undefined ? { data: m.data } : m);
      if (out === STOP) stopped = true;
      else if (out !== SKIP) batch.push(out);
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of bytes) {
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      if (overflow) throw overflow; // handled like a broken source below
      if (batch.length > 0) {
        const ready = batch;
        batch = [];
        for (const item of ready) yield item;
      }
      if (stopped) return;
    }
  } catch (err) {
    if (!onSourceError) throw err;
    // End with an error item so the client sees a failure, not a silently truncated answer.
    yield onSourceError(err);
    return;
  }
  // Flush: undecoded bytes, then a blank line so an unterminated last event is not lost
  // (upstreams that close right after `data: [DONE]` or `message_stop` without "\n\n").
  if (!stopped) parser.feed(decoder.decode() + '\n\n');
  for (const item of batch) yield item;
}

/** Largest single event accepted (characters); real events are far below (a 1M-token tool input is ~4 MB). */
export const MAX_EVENT_CHARS = 64 * 1024 * 1024;

const SKIP = Symbol('skip');
const STOP = Symbol('stop');

/** Raw SSE messages from a byte (or text) stream. A final event without its blank line is kept. */
export function parseSse(bytes: AsyncIterable<Uint8Array | string>): AsyncIterable<SseMessage> {
  return parseBatches(bytes, (m) => m);
}

/**
 * Parsed stream events of `format`. Drops `[DONE]` and empty keep-alive data; Anthropic `ping`
 * events pass through (converters ignore them). Data that is not JSON yields one error event of
 * the format and ends the stream. When data lacks `type` but the SSE event name says it, the name
 * is copied in (some upstreams put the type only in `event:`).
 */
export function parseSseStream(format: ApiFormat, bytes: AsyncIterable<Uint8Array | string>): AsyncIterable<StreamEvent> {
  let lastSequence = -1;
  let failed = false;
  return parseBatches(bytes, (message): StreamEvent | typeof SKIP | typeof STOP => {
    if (failed) return STOP;
    const data = message.data;
    if (data === '' || data === '[DONE]') return SKIP;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      failed = true;
      // Never the data itself: an upstream's text may carry anything.
      const what = parsed === undefined ? 'stream data that is not valid JSON' : 'a stream event that is not a JSON object';
      return unreadableEvent(format, what, lastSequence + 1);
    }
    const event = parsed as JsonObject;
    if (format !== 'chat' && event.type === undefined && message.event) event.type = message.event;
    if (format === 'responses' && typeof event.sequence_number === 'number') lastSequence = event.sequence_number;
    return event;
  }, (err) => {
    const reason = err instanceof Error ? err.message : String(err);
    return errorEvent(format, { kind: 'api_error', message: `Upstream stream interrupted: ${reason}` }, { sequenceNumber: lastSequence + 1 });
  });
}

/** One SSE message as text. Refuses line breaks in `event`/`id`; splits multi-line data. */
export function serializeSse(message: SseMessage): string {
  let out = '';
  if (message.event !== undefined) {
    assertSingleLine('event', message.event);
    out += `event: ${message.event}\n`;
  }
  if (message.id !== undefined) {
    assertSingleLine('id', message.id);
    out += `id: ${message.id}\n`;
  }
  const data = message.data;
  if (data.indexOf('\n') === -1 && data.indexOf('\r') === -1) return `${out}data: ${data}\n\n`;
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

function assertSingleLine(field: string, value: string): void {
  if (value.indexOf('\n') !== -1 || value.indexOf('\r') !== -1) {
    throw new Error(`SSE ${field} must not contain line breaks: ${JSON.stringify(value.slice(0, 80))}`);
  }
}

/**
 * One event as SSE text in `format`'s framing: Anthropic and Responses `event: <type>` + data;
 * Chat data only. JSON.stringify never emits raw line breaks, so data is one line.
 */
export function serializeSseEvent(format: ApiFormat, event: StreamEvent): string {
  const data = JSON.stringify(event);
  if (format === 'chat') return `data: ${data}\n\n`;
  const type = event.type;
  if (typeof type !== 'string') return `data: ${data}\n\n`;
  assertSingleLine('event', type);
  return `event: ${type}\ndata: ${data}\n\n`;
}

export const CHAT_DONE = 'data: [DONE]\n\n';

/**
 * The last bytes of a committed stream of `format` that failed: Anthropic `event: error` with the
 * request's id, a Chat error object (nothing after it, no `[DONE]`), a Responses `error` event
 * numbered after the last event sent. The one writer of mid-stream errors: `serializeSseStream`
 * ends a stream with it, and so does the core when a plugin's stream throws.
 */
export function streamErrorText(
  format: ApiFormat,
  error: { kind: ErrorKind; message: string },
  opts: { requestId?: string; sequenceNumber?: number } = {},
): string {
  const event = errorEvent(format, { kind: error.kind, message: error.message }, { sequenceNumber: opts.sequenceNumber ?? 0 });
  if (format === 'anthropic' && opts.requestId && event.request_id == null) event.request_id = opts.requestId;
  return serializeSseEvent(format, event);
}

export interface SerializeOptions {
  /** The request's id: an Anthropic `error` event without a `request_id` gets this one. */
  requestId?: string;
}

/**
 * SSE text for a stream of events. Chat streams end with `data: [DONE]` — except after an error
 * object, which is the last thing a Chat client reads. Anthropic error events carry the request's
 * id, as the API's own do (converters and parsers cannot know it).
 *
 * `events` is the pipeline reading an upstream's stream. When it throws (a converter tripping over
 * an event it cannot read, see unreadable.ts) before anything was sent, the error propagates: the
 * response is not committed yet, so the client gets a 502 in its format. Later, the stream ends
 * with the format's error event instead of stopping short.
 */
export async function* serializeSseStream(format: ApiFormat, events: AsyncIterable<StreamEvent>, opts: SerializeOptions = {}): AsyncIterable<string> {
  let errored = false;
  let sent = false;
  let lastSequence = -1;
  const stamp = (event: StreamEvent): StreamEvent =>
    format === 'anthropic' && event.type === 'error' && event.request_id == null && opts.requestId ? { ...event, request_id: opts.requestId } : event;
  try {
    for await (const event of events) {
      if (format === 'chat' && event.error !== undefined && event.choices === undefined) errored = true;
      else if (format === 'responses' && typeof event.sequence_number === 'number') lastSequence = event.sequence_number;
      sent = true;
      yield serializeSseEvent(format, stamp(event));
    }
  } catch (err) {
    const e = unreadableAnswer(format, err);
    if (!sent) throw e;
    yield streamErrorText(format, e, { requestId: opts.requestId, sequenceNumber: lastSequence + 1 });
    return;
  }
  if (format === 'chat' && !errored) yield CHAT_DONE;
}
