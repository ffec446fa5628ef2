/** Stream → complete response, per format. */
import type { ApiFormat } from '../../core/adapter.js';
import type { JsonObject, StreamEvent } from '../convert.js';
import { accumulateAnthropic } from './anthropic.js';
import { accumulateChat } from './chat.js';
import { accumulateResponses } from './responses.js';

export { AnthropicAccumulator, accumulateAnthropic } from './anthropic.js';
export { ChatAccumulator, accumulateChat } from './chat.js';
export { ResponsesAccumulator, accumulateResponses } from './responses.js';

/**
 * The complete response a non-stream client expects, from a stream of `format` events.
 * Rejects with an UpstreamError when the stream carries an error or ends early.
 */
export function accumulateStream(format: ApiFormat, events: AsyncIterable<StreamEvent>): Promise<JsonObject> {
  if (format === 'anthropic') return accumulateAnthropic(events);
  if (format === 'chat') return accumulateChat(events);
  return accumulateResponses(events);
}
