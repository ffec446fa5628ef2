/**
 * A long-lived SSE stream of a plugin's own (a live feed, not an API answer): the reply is taken
 * over, the headers the app's hooks already set are kept, a comment goes out at once so the client
 * knows it is connected before there is anything to say, and a keep-alive comment follows every
 * `keepAliveMs` so idle proxies and browsers do not cut it.
 *
 * @example
 * app.get('/feed', { exposeHeadRoute: false }, (_req, reply) => {
 *   const raw = openEventStream(reply, { onClose: () => clients.delete(raw) });
 *   clients.add(raw);
 * });
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { SSE_HEADERS } from './send.js';

export interface EventStreamOptions {
  /** Default 15 s. */
  keepAliveMs?: number;
  /** The client left (or the stream was ended): stop writing to it. */
  onClose?: () => void;
}

/** The raw response to write SSE frames to (`serializeSse`); end it to close the stream. */
export function openEventStream(reply: FastifyReply, opts: EventStreamOptions = {}): ServerResponse {
  reply.hijack();
  const raw = reply.raw;
  const headers: OutgoingHttpHeaders = {};
  const existing = reply.getHeaders();
  for (const k in existing) if (existing[k] !== undefined) headers[k] = existing[k];
  raw.writeHead(200, { ...headers, ...SSE_HEADERS });
  raw.write(': connected\n\n');
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), opts.keepAliveMs ?? 15_000);
  raw.once('close', () => {
    clearInterval(keepAlive);
    opts.onClose?.();
  });
  return raw;
}
