/**
 * The live feed: each finished request, as metadata only (no body, no header, no token), pushed to
 * every open dashboard over SSE. Nothing is kept: a page sees the requests that end while it is open.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { openEventStream, requestRecord, serializeSse, type CoreServices, type FinishedEvent } from './framework.js';

/** What the page shows of a request (the shared record, usage flattened). */
export function feedItem(e: FinishedEvent): Record<string, unknown> {
  const r = requestRecord(e);
  const u = r.usage;
  return {
    time: r.time, request_id: r.request_id, provider: r.provider, account: r.account, api: r.api, model: r.model,
    status: r.status, ok: r.ok, stream: r.stream, duration_ms: Math.round(r.duration_ms), ttfb_ms: r.ttfb_ms === null ? null : Math.round(r.ttfb_ms),
    input_tokens: u?.input_tokens ?? null, output_tokens: u?.output_tokens ?? null, cache_read_tokens: u?.cache_read_tokens ?? null,
    error: r.error_type,
  };
}

export class LiveFeed {
  private readonly streams = new Set<ServerResponse>();
  private readonly unsubscribe: Array<() => void>;

  constructor(events: CoreServices['events']) {
    const push = (e: FinishedEvent): void => {
      if (this.streams.size === 0) return;
      const frame = serializeSse({ event: 'request', data: JSON.stringify(feedItem(e)) });
      for (const raw of this.streams) raw.write(frame);
    };
    this.unsubscribe = [events.on('request.completed', push), events.on('request.failed', push)];
  }

  /** Turns the reply into an SSE stream that lasts until the client leaves or the feed closes. */
  attach(reply: FastifyReply): void {
    // Connected at once, before any request ends.
    const raw = openEventStream(reply, { onClose: () => this.streams.delete(raw) });
    this.streams.add(raw);
  }

  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    for (const raw of this.streams) raw.end();
    this.streams.clear();
  }
}
