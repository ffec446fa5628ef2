/**
 * Server-sent events, both directions, for the three APIs' streams.
 *
 * Parsing is eventsource-parser's (spec-complete: chunk boundaries anywhere, CR/LF/CRLF, BOM,
 * comments and keep-alive lines); this module adds JSON decoding per format. Writing is validated:
 * event names and ids may not contain line breaks, and multi-line data is split into `data:` lines.
 * Both sides avoid per-chunk regexes: they sit on every streamed token.
 */
import { createParser } from 'eventsource-parser';
import type { ApiFormat } from '../core/adapter.js';
import type { JsonObject, StreamEvent } from './convert.js';
import { errorEvent } from './errors.js';

export interface SseMessage {
  event?: string;
  data: string;
  id?: string;
}

/** Raw SSE messages from a byte (or text) stream. A final event without its blank line is kept. */
export async function* parseSse(bytes: AsyncIterable<Uint8Array | string>): AsyncIterable<SseMessage> {
  const queue: SseMessage[] = [];
  const parser = createParser({
    onEvent: (m) => {
      queue.push(m.event === undefined && m.id === undefined ? { data: m.data } : m);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of bytes) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (queue.length === 0) continue;
    // Swap before yielding: the consumer may resume us after we feed more.
    const ready = queue.splice(0, queue.length);
    for (const message of ready) yield message;
  }
  // Flush: undecoded bytes, then a blank line so an unterminated last event is not lost
  // (upstreams that close right after `data: [DONE]` or `message_stop` without "\n\n").
  parser.feed(decoder.decode() + '\n\n');
  for (const message of queue) yield message;
}

/**
 * Parsed stream events of `format`. Drops `[DONE]` and empty keep-alive data; Anthropic `ping`
 * events pass through (converters ignore them). Data that is not JSON yields one error event of
 * the format and ends the stream. When data lacks `type` but the SSE event name says it, the name
 * is copied in (some upstreams put the type only in `event:`).
 */
export async function* parseSseStream(format: ApiFormat, bytes: AsyncIterable<Uint8Array | string>): AsyncIterable<StreamEvent> {
  let lastSequence = -1;
  for await (const message of parseSse(bytes)) {
    const data = message.data;
    if (data === '' || data === '[DONE]') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      yield errorEvent(
        format,
        { kind: 'api_error', message: `Upstream sent malformed stream data: ${data.slice(0, 200)}` },
        { sequenceNumber: lastSequence + 1 },
      );
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      yield errorEvent(format, { kind: 'api_error', message: 'Upstream sent a stream event that is not a JSON object' }, { sequenceNumber: lastSequence + 1 });
      return;
    }
    const event = parsed as JsonObject;
    if (format !== 'chat' && event.type === undefined && message.event) event.type = message.event;
    if (format === 'responses' && typeof event.sequence_number === 'number') lastSequence = event.sequence_number;
    yield event;
  }
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
 * SSE text for a stream of events. Chat streams end with `data: [DONE]` — except after an error
 * object, which is the last thing a Chat client reads.
 */
export async function* serializeSseStream(format: ApiFormat, events: AsyncIterable<StreamEvent>): AsyncIterable<string> {
  let errored = false;
  for await (const event of events) {
    if (format === 'chat' && event.error !== undefined && event.choices === undefined) errored = true;
    yield serializeSseEvent(format, event);
  }
  if (format === 'chat' && !errored) yield CHAT_DONE;
}
