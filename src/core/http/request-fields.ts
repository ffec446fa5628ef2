/**
 * The two fields of a model request that the core itself reads on every route (for routing, events
 * and the adapters): their shape is checked here, once, so every route answers the same 400 naming
 * the field instead of guessing. Everything else is the adapter's (a converting route validates the
 * whole request, a passthrough leaves it to the upstream).
 */
import { ValidationError, invalidField, jsonTypeOf } from '../errors.js';
import { JsonBody } from '../json/json-body.js';

/** The request's JsonBody; a 400 when the request had none (no body at all). */
export function modelRequestBody(body: unknown): JsonBody {
  if (body instanceof JsonBody) return body;
  throw new ValidationError('Request body must be a JSON object');
}

/** `model`: a string, or absent. */
export function requestModel(body: JsonBody): string | undefined {
  const model = body.get('model');
  if (model === undefined || typeof model === 'string') return model;
  throw invalidField('model', `must be a string, got ${jsonTypeOf(model)}`);
}

/** `stream`: a boolean, or absent or null (false). */
export function requestStream(body: JsonBody): boolean {
  const stream = body.get('stream');
  if (stream === undefined || stream === null || typeof stream === 'boolean') return stream === true;
  throw invalidField('stream', `must be a boolean, got ${jsonTypeOf(stream)}`);
}
