/**
 * Writes an AdapterResponse to the client. JSON goes through Fastify; streams are written straight
 * to the socket (hijacked reply) with backpressure, and iteration stops as soon as the client leaves.
 */
import type { FastifyReply } from 'fastify';
import type { ServerResponse, OutgoingHttpHeaders } from 'node:http';
import type { AdapterResponse } from '../adapter.js';

export interface SendOptions {
  /** Called after each chunk is handed to the socket (for `stream.chunk` and `exchange` events). */
  onChunk?: (bytes: number, chunk: string | Uint8Array) => void;
  /** Called with a stream's status and headers as they are written (for `exchange` events). */
  onStreamStart?: (status: number, headers: OutgoingHttpHeaders) => void;
  /** Called with an error an iterator threw mid-stream. */
  onStreamError?: (err: unknown) => void;
  /** The bytes that end a stream whose iterator threw mid-stream (the route API's error event). */
  streamError?: (err: unknown) => string;
}

export interface SendResult {
  status: number;
  /** Bytes written for streams (0 for JSON: Fastify serializes it). */
  bytes: number;
  chunks: number;
  /** ms from the call until the first stream chunk was written. */
  ttfbMs?: number;
  /** false when the client went away or the iterator threw before the end. */
  completed: boolean;
  error?: unknown;
}

export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
});

/** Hop-by-hop or length headers that must not be copied from an upstream onto our response. */
const DROP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'proxy-connection', 'upgrade', 'trailer', 'te']);

function copyHeaders(target: OutgoingHttpHeaders, src: Record<string, string> | undefined): void {
  if (!src) return;
  for (const k in src) {
    const key = k.toLowerCase();
    if (!DROP.has(key)) target[key] = src[k];
  }
}

export async function sendAdapterResponse(reply: FastifyReply, res: AdapterResponse, opts: SendOptions = {}): Promise<SendResult> {
  if (res.kind === 'json') {
    if (res.headers) {
      const h: OutgoingHttpHeaders = {};
      copyHeaders(h, res.headers);
      reply.headers(h);
    }
    reply.code(res.status);
    const body = res.body;
    // Already-serialized passthrough bytes go as they are.
    if ((typeof body === 'string' || body instanceof Uint8Array) && !reply.hasHeader('content-type')) {
      reply.header('content-type', 'application/json');
    }
    reply.send(body);
    return { status: res.status, bytes: 0, chunks: 0, completed: true };
  }
  return sendStream(reply, res.status, res.headers, res.events, opts);
}

async function sendStream(
  reply: FastifyReply,
  status: number,
  headers: Record<string, string> | undefined,
  events: AsyncIterable<string | Uint8Array>,
  opts: SendOptions,
): Promise<SendResult> {
  const started = performance.now();
  const it = events[Symbol.asyncIterator]();
  // Pull the first chunk before committing: an error here can still be rendered as a normal error.
  let next = await it.next();

  reply.hijack();
  const raw: ServerResponse = reply.raw;
  const out: OutgoingHttpHeaders = {};
  const existing = reply.getHeaders();
  for (const k in existing) if (existing[k] !== undefined) out[k] = existing[k];
  Object.assign(out, SSE_HEADERS);
  copyHeaders(out, headers);
  // Upstream content-type (e.g. with charset) wins, but it must stay an event stream.
  if (typeof out['content-type'] !== 'string' || !out['content-type'].includes('event-stream')) {
    out['content-type'] = SSE_HEADERS['content-type'];
  }
  raw.writeHead(status, out);
  opts.onStreamStart?.(status, out);

  let closed = raw.destroyed;
  let wake: (() => void) | null = null;
  const onClose = (): void => {
    closed = true;
    wake?.();
  };
  raw.on('close', onClose);

  const result: SendResult = { status, bytes: 0, chunks: 0, completed: false };
  try {
    while (!next.done) {
      if (closed) break;
      const chunk = next.value;
      const size = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      const flushed = raw.write(chunk);
      if (result.chunks === 0) result.ttfbMs = performance.now() - started;
      result.chunks++;
      result.bytes += size;
      opts.onChunk?.(size, chunk);
      if (!flushed && !closed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          raw.once('drain', resolve);
        });
        raw.removeListener('drain', wake ?? noop);
        wake = null;
      }
      if (closed) break;
      next = await it.next();
    }
    result.completed = next.done === true && !closed;
  } catch (err) {
    // Committed: the client hears of the failure from the stream's own last event.
    result.error = err;
    opts.onStreamError?.(err);
    if (!closed && opts.streamError) {
      const end = endsEvent(next.done ? undefined : next.value) + opts.streamError(err);
      raw.write(end);
      result.bytes += Buffer.byteLength(end);
      opts.onChunk?.(Buffer.byteLength(end), end);
    }
  } finally {
    raw.removeListener('close', onClose);
    if (!next.done && typeof it.return === 'function') {
      // Stop the producer (aborts its upstream read); errors from a dying iterator do not matter.
      Promise.resolve(it.return()).catch(noop);
    }
    if (!raw.writableEnded && !raw.destroyed) raw.end();
  }
  return result;
}

/** What to write before an event so that it starts fresh: nothing after a whole event, else a blank line ending the cut one. */
function endsEvent(last: string | Uint8Array | undefined): string {
  if (last === undefined) return '';
  const n = typeof last === 'string' ? last.length : last.byteLength;
  const at = (i: number): number => (typeof last === 'string' ? last.charCodeAt(i) : last[i]!);
  return n >= 2 && at(n - 1) === 10 && at(n - 2) === 10 ? '' : '\n\n';
}

function noop(): void {}
