/**
 * TEMPORARY stand-in for the formats layer's `parseSseStream` / `serializeSseStream` until they
 * land in `src/formats/` (then this file is deleted and openai-bridge imports them from there).
 */
import { createParser } from 'eventsource-parser';
import type { ApiFormat } from '../../core/adapter.js';

type JsonObject = Record<string, unknown>;

export async function* parseSseStream(_format: ApiFormat, bytes: AsyncIterable<Uint8Array | string>): AsyncGenerator<JsonObject> {
  const queue: JsonObject[] = [];
  const parser = createParser({
    onEvent: (ev) => {
      if (ev.data === '[DONE]') return;
      try {
        queue.push(JSON.parse(ev.data) as JsonObject);
      } catch {
        /* ignore non-JSON data */
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of bytes) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (queue.length) yield queue.shift()!;
  }
}

export async function* serializeSseStream(format: ApiFormat, events: AsyncIterable<JsonObject>): AsyncGenerator<string> {
  for await (const e of events) {
    if (format === 'chat') yield `data: ${JSON.stringify(e)}\n\n`;
    else yield `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`;
  }
  if (format === 'chat') yield 'data: [DONE]\n\n';
}
