/**
 * SSE output of this plugin in the client's API. Framing comes from the formats layer; what this
 * adds is the failure path: once the response is committed, a run that fails (idle timeout, CLI
 * crash, error result) must end the stream with the API's own error event, never a bare close.
 */
import { toProxyError, errorEvent, serializeSseStream, type ApiFormat, type StreamEvent } from '../../plugin.js';

/**
 * A run's failure as an event of the stream's own API: yielded instead of thrown so the formats
 * layer can turn an Anthropic `error` event into the target API's failure (`response.failed`,
 * a Chat error object) with the stream's ids and sequence numbers.
 */
export async function* withErrorEvent(api: ApiFormat, events: AsyncIterable<StreamEvent>, plugin: string): AsyncGenerator<StreamEvent> {
  try {
    yield* events;
  } catch (err) {
    // Unknown errors become a generic message: internals never reach the client.
    const e = toProxyError(err, plugin);
    yield errorEvent(api, { kind: e.kind, message: e.message });
  }
}

export function serializeSse(api: ApiFormat, events: AsyncIterable<StreamEvent>, plugin: string, requestId?: string): AsyncIterable<string> {
  return serializeSseStream(api, withErrorEvent(api, events, plugin), { requestId });
}
