/**
 * What accumulators throw when the stream carries an error instead of an answer: an UpstreamError
 * (core's catalogue) with the kind and status the error event implies, so a non-stream client of a
 * stream-only upstream gets a proper error response.
 */
import type { ApiFormat } from '../types.js';
import { UpstreamError, UpstreamUnreadableError, type ProxyError } from '../../core/errors.js';
import type { StreamEvent } from '../types.js';
import { readErrorEvent } from '../errors.js';
import { UNREADABLE } from '../unreadable.js';

export function streamErrorFrom(format: ApiFormat, event: StreamEvent): ProxyError | undefined {
  // The parser's own event for data it could not read: that upstream fault, not an upstream error.
  const unreadable = (event as { [UNREADABLE]?: ProxyError })[UNREADABLE];
  if (unreadable) return unreadable;
  const info = readErrorEvent(format, event);
  if (!info) return undefined;
  return new UpstreamError(info.status, info.message, {
    kind: info.kind,
    upstreamBody: event,
    ...(info.code ? { code: info.code } : {}),
  });
}

export function truncatedStream(format: ApiFormat, what: string): UpstreamError {
  return new UpstreamError(502, `Upstream ${format} stream ended ${what}`, { kind: 'api_error' });
}

/** An event that cannot come where it came (a delta before the start, for a block never opened). */
export function unexpectedEvent(format: ApiFormat, what: string): UpstreamUnreadableError {
  return new UpstreamUnreadableError(`a ${format} stream with ${what}`);
}

/** Deep copy of JSON data (events are plain JSON; accumulators must not alias them). */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}
