/** Dispatch table over the six directions. Each direction lives in its own folder. */
import type { ApiFormat } from '../core/adapter.js';

export type JsonObject = Record<string, unknown>;
export type StreamEvent = JsonObject;

export interface ConvertOptions {
  /** Called for every field dropped because the target has no counterpart (log at debug). */
  onDrop?: (field: string, reason: string) => void;
  /** Model name to put in the converted request/response (routing/model_map already applied). */
  model?: string;
}

export function convertRequest(from: ApiFormat, to: ApiFormat, body: JsonObject, _opts: ConvertOptions = {}): JsonObject {
  if (from === to) return body;
  throw new Error(`convertRequest ${from}→${to} not implemented yet`);
}

export function convertResponse(from: ApiFormat, to: ApiFormat, body: JsonObject, _opts: ConvertOptions = {}): JsonObject {
  if (from === to) return body;
  throw new Error(`convertResponse ${from}→${to} not implemented yet`);
}

export function convertStream(
  from: ApiFormat,
  to: ApiFormat,
  events: AsyncIterable<StreamEvent>,
  _opts: ConvertOptions = {},
): AsyncIterable<StreamEvent> {
  if (from === to) return events;
  throw new Error(`convertStream ${from}→${to} not implemented yet`);
}
