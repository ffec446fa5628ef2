/**
 * One conversion direction `<from>-to-<to>`: how request bodies, complete responses and stream
 * events of format `from` become format `to`. Each direction is a folder `src/formats/<from>-to-<to>/`
 * with `request.ts`, `response.ts`, `stream.ts` and an `index.ts` exporting `direction`.
 *
 * Direction semantics: `chat-to-anthropic.request` turns a Chat client's request into an Anthropic
 * upstream request; the reply comes back through `anthropic-to-chat.response` / `.stream`.
 */
import type { ConvertOptions, JsonObject, StreamEvent } from './types.js';

export interface Direction {
  request(body: JsonObject, opts: ConvertOptions): JsonObject;
  response(body: JsonObject, opts: ConvertOptions): JsonObject;
  /** Incremental: yields target events as soon as source events allow; never buffers to the end. */
  stream(events: AsyncIterable<StreamEvent>, opts: ConvertOptions): AsyncIterable<StreamEvent>;
}
