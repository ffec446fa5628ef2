/**
 * An upstream's successful answer handed back to the client: fed to the request's usage meter in
 * the API the upstream spoke, converted to the API the client spoke, a stream serialized as SSE.
 * What every provider that converts does after its upstream call, written once: the meter sees
 * the upstream's own usage object, and an answer the conversion cannot read is a 502 in the
 * client's API, never a 500.
 */
import type { AdapterJsonResponse, AdapterRequest, AdapterStreamResponse } from '../adapter.js';
import { convertResponse, convertStream } from '../../formats/convert.js';
import { serializeSseStream } from '../../formats/sse.js';
import type { ApiFormat, ConvertOptions, JsonObject, StreamEvent } from '../../formats/types.js';
import { unreadableAnswer } from '../../formats/unreadable.js';

/**
 * `events`: the upstream's parsed stream in `from` (`parseSseStream(from, res.body)`). `opts.model`
 * is the model the meter reports (default: the one the answer names).
 */
export function streamAnswer(req: AdapterRequest, from: ApiFormat, events: AsyncIterable<StreamEvent>, opts: ConvertOptions = {}): AdapterStreamResponse {
  const meter = req.observer?.meter(from, opts.model);
  const metered = meter ? meter.tap(events) : events;
  return { kind: 'stream', status: 200, events: serializeSseStream(req.api, convertStream(from, req.api, metered, opts), { requestId: req.requestId }) };
}

/**
 * `answer`: the upstream's complete response body in `from`, as read (`await res.body.json()`);
 * anything but an answer of that API (not even a JSON object) is the 502.
 */
export function jsonAnswer(req: AdapterRequest, from: ApiFormat, answer: unknown, opts: ConvertOptions = {}): AdapterJsonResponse {
  try {
    if (!answer || typeof answer !== 'object' || Array.isArray(answer)) throw new TypeError('not a JSON object');
    req.observer?.meter(from, opts.model).response(answer);
    return { kind: 'json', status: 200, body: convertResponse(from, req.api, answer as JsonObject, opts) };
  } catch (err) {
    throw unreadableAnswer(from, err, answer);
  }
}
