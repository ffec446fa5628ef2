/** Stream → complete response, per format. */
import type { ApiFormat } from '../types.js';
import type { JsonObject, StreamEvent } from '../types.js';
import { unreadableAnswer } from '../unreadable.js';
import { accumulateAnthropic } from './anthropic.js';
import { accumulateChat } from './chat.js';
import { accumulateResponses } from './responses.js';

export { AnthropicAccumulator, accumulateAnthropic } from './anthropic.js';
export { ChatAccumulator, accumulateChat } from './chat.js';
export { ResponsesAccumulator, accumulateResponses } from './responses.js';

/**
 * The complete response a non-stream client expects, from a stream of `format` events.
 * Rejects with an UpstreamError when the stream carries an error or ends early, and with an
 * UpstreamUnreadableError when an event is not one of `format`'s.
 */
export function accumulateStream(format: ApiFormat, events: AsyncIterable<StreamEvent>): Promise<JsonObject> {
  const done = format === 'anthropic' ? accumulateAnthropic(events) : format === 'chat' ? accumulateChat(events) : accumulateResponses(events);
  // An event the accumulator cannot read is the upstream's fault (502), not a proxy failure (500).
  return done.catch((err: unknown) => {
    throw unreadableAnswer(format, err);
  });
}
