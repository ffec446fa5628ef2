/**
 * Dispatch table over the six directions. Each direction lives in its own folder
 * `src/formats/<from>-to-<to>/` whose `index.ts` exports `direction: Direction`; a direction that
 * is not registered here yet throws "not implemented" when used.
 */
import type { ApiFormat, ConvertOptions, JsonObject, StreamEvent } from './types.js';
import { ProxyError, ValidationError } from '../core/errors.js';
import { direction as anthropicToChat } from './anthropic-to-chat/index.js';
import { direction as anthropicToResponses } from './anthropic-to-responses/index.js';
import { direction as chatToAnthropic } from './chat-to-anthropic/index.js';
import { direction as chatToResponses } from './chat-to-responses/index.js';
import type { Direction } from './direction.js';
import { direction as responsesToAnthropic } from './responses-to-anthropic/index.js';
import { direction as responsesToChat } from './responses-to-chat/index.js';
import { unreadableAnswer } from './unreadable.js';

export type { ConvertOptions, JsonObject, StreamEvent } from './types.js';

/** `<from>-to-<to>` → its Direction. Each direction folder registers here. */
const DIRECTIONS: Partial<Record<`${ApiFormat}-to-${ApiFormat}`, Direction>> = {
  'anthropic-to-chat': anthropicToChat,
  'anthropic-to-responses': anthropicToResponses,
  'chat-to-anthropic': chatToAnthropic,
  'chat-to-responses': chatToResponses,
  'responses-to-anthropic': responsesToAnthropic,
  'responses-to-chat': responsesToChat,
};

function directionFor(from: ApiFormat, to: ApiFormat, what: string): Direction {
  const direction = DIRECTIONS[`${from}-to-${to}`];
  if (!direction) throw new Error(`${what} ${from}→${to} not implemented yet`);
  return direction;
}

export function convertRequest(from: ApiFormat, to: ApiFormat, body: JsonObject, opts: ConvertOptions = {}): JsonObject {
  if (from === to) return body;
  const direction = directionFor(from, to, 'convertRequest');
  try {
    return direction.request(body, opts);
  } catch (err) {
    // Request converters only ever see the client's body: a field of an unexpected type or shape
    // that trips one is the client's error (400 in its format), not a proxy failure (500).
    if (err instanceof ProxyError) throw err;
    throw new ValidationError(`Request body does not match the ${from} API: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export function convertResponse(from: ApiFormat, to: ApiFormat, body: JsonObject, opts: ConvertOptions = {}): JsonObject {
  if (from === to) return body;
  const direction = directionFor(from, to, 'convertResponse');
  try {
    return direction.response(body, opts);
  } catch (err) {
    // Response converters only ever see what the upstream answered: a shape they cannot read is
    // the upstream's fault (502 in the client's format), not a proxy failure (500).
    throw unreadableAnswer(from, err, body);
  }
}

export { accumulateStream } from './accumulate/index.js';

export function convertStream(
  from: ApiFormat,
  to: ApiFormat,
  events: AsyncIterable<StreamEvent>,
  opts: ConvertOptions = {},
): AsyncIterable<StreamEvent> {
  if (from === to) return events;
  return directionFor(from, to, 'convertStream').stream(events, opts);
}
