/**
 * The live feed: each finished request, as metadata only (no body, no header, no token), pushed to
 * every open dashboard over SSE. Nothing is kept: a page sees the requests that end while it is open.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { SSE_HEADERS, serializeSse, type CoreServices, type RequestEvents } from './framework.js';

/** Comment lines on the stream, for clients and proxies with read timeouts. */
const KEEPALIVE_MS = 15_000;

export interface FeedItem {
  time: string;
  request_id: string;
  provider: string;
  api: string | null;
  model: string | null;
  status: number;
  ok: boolean;
  duration_ms: number;
  ttfb_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  error: string | null;
}

type Finished = RequestEvents['request.completed'] | RequestEvents['request.failed'];

export function feedItem(e: Finished): FeedItem {
  const done = 'error' in e ? undefined : e;
  const u = done?.usage;
  return {
    time: new Date(e.timestamp).toISOString(),
    request_id: e.requestId,
    provider: e.plugin,
    api: e.api ?? null,
    model: e.model ?? null,
    status: e.status,
    ok: done !== undefined,
    duration_ms: Math.round(e.durationMs),
    ttfb_ms: done?.ttfbMs !== undefined ? Math.round(done.ttfbMs) : null,
    input_tokens: u?.inputTokens ?? null,
    output_tokens: u?.outputTokens ?? null,
    cache_read_tokens: u?.cacheReadTokens ?? null,
    error: 'error' in e ? (e.code ?? e.error) : null,
  };
}

export class LiveFeed {
  private readonly streams = new Set<ServerResponse>();
  private readonly unsubscribe: Array<() => void>;

  constructor(events: CoreServices['events']) {
    const push = (e: Finished): void => {
      if (this.streams.size === 0) return;
      const frame = serializeSse({ event: 'request', data: JSON.stringify(feedItem(e)) });
      for (const raw of this.streams) raw.write(frame);
    };
    this.unsubscribe = [events.on('request.completed', push), events.on('request.failed', push)];
  }

  /** Turns the reply into an SSE stream that lasts until the client leaves or the feed closes. */
  attach(reply: FastifyReply): void {
    reply.hijack();
    const raw = reply.raw;
    const headers: OutgoingHttpHeaders = {};
    const existing = reply.getHeaders();
    for (const k in existing) if (existing[k] !== undefined) headers[k] = existing[k];
    raw.writeHead(200, { ...headers, ...SSE_HEADERS });
    // Something at once, so the page knows it is connected before any request ends.
    raw.write(': connected\n\n');
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), KEEPALIVE_MS);
    this.streams.add(raw);
    raw.once('close', () => {
      clearInterval(keepAlive);
      this.streams.delete(raw);
    });
  }

  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    for (const raw of this.streams) raw.end();
    this.streams.clear();
  }
}
