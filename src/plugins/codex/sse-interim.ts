/**
 * INTERIM until src/formats exports parseSseStream / serializeSseStream / accumulateStream:
 * minimal versions so the codex plugin can be exercised end to end. Deleted when formats land.
 */
import { createParser } from 'eventsource-parser';
import type { ApiFormat } from '../../core/adapter.js';
import type { JsonObject, StreamEvent } from '../../formats/index.js';

export async function* parseSseStream(_format: ApiFormat, bytes: AsyncIterable<string | Uint8Array>): AsyncIterable<StreamEvent> {
  const queue: StreamEvent[] = [];
  const parser = createParser({
    onEvent: (e) => {
      if (e.data === '[DONE]') return;
      try {
        queue.push(JSON.parse(e.data) as StreamEvent);
      } catch {
        /* skip non-JSON */
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of bytes) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (queue.length) yield queue.shift() as StreamEvent;
  }
}

export async function* serializeSseStream(format: ApiFormat, events: AsyncIterable<StreamEvent>): AsyncIterable<string> {
  for await (const e of events) {
    if (format === 'chat') yield `data: ${JSON.stringify(e)}\n\n`;
    else yield `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`;
  }
  if (format === 'chat') yield 'data: [DONE]\n\n';
}

export async function accumulateStream(_format: ApiFormat, events: AsyncIterable<StreamEvent>): Promise<JsonObject> {
  let last: JsonObject = {};
  const output: JsonObject[] = [];
  for await (const e of events) {
    if (e.type === 'response.output_item.done') output[e.output_index as number] = e.item as JsonObject;
    if (e.type === 'response.completed' || e.type === 'response.failed' || e.type === 'response.incomplete') last = e.response as JsonObject;
  }
  const lastOutput = Array.isArray(last.output) ? last.output : [];
  return { ...last, output: lastOutput.length ? lastOutput : output.filter(Boolean) };
}
