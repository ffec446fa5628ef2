/**
 * What the client hears when an upstream answered with success but not with an answer of its API
 * (`content: 5`, a stream event without what it must carry): an upstream fault, a 502 (or, once a
 * stream has started, the client API's error event) that says the answer was unreadable and where,
 * by its shape only: the upstream's text may carry anything, credentials included.
 */
import type { ApiFormat } from './types.js';
import { ProxyError, UpstreamUnreadableError } from '../core/errors.js';
import { AnthropicResponseSchema } from './models/anthropic.js';
import { ChatResponseSchema } from './models/chat.js';
import { ResponsesResponseSchema } from './models/responses.js';
import { modelIssue } from './models/validate.js';
import type { StreamEvent } from './types.js';
import { errorEvent } from './errors.js';

const API_NAME: Record<ApiFormat, string> = { anthropic: 'Messages', chat: 'Chat Completions', responses: 'Responses' };
const RESPONSE_SCHEMAS = { anthropic: AnthropicResponseSchema, chat: ChatResponseSchema, responses: ResponsesResponseSchema };

/**
 * `err`, thrown while reading an upstream's answer (of `format`), as the error the client gets:
 * ProxyErrors (the upstream's own error, a truncated stream) as they are, anything else (a
 * converter tripping over a shape it cannot read) an UpstreamUnreadableError. With the complete
 * `response` at hand, the message names its first problem; otherwise (a stream) its format.
 */
export function unreadableAnswer(format: ApiFormat, err: unknown, response?: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  return new UpstreamUnreadableError(describeAnswer(format, response), { cause: err });
}

/**
 * Where a stream event of the client's format stands for an unreadable upstream event (see
 * `unreadableEvent`): the error itself, so whoever accumulates the stream for a non-stream client
 * answers that 502 rather than a generic upstream error. A symbol: it is never serialized.
 */
export const UNREADABLE = Symbol('ccproxy.unreadable');

/** The error event of `format` that ends a stream at data the proxy cannot read (`what`). */
export function unreadableEvent(format: ApiFormat, what: string, sequenceNumber: number): StreamEvent {
  const err = new UpstreamUnreadableError(what);
  const event = errorEvent(format, { kind: err.kind, message: err.message }, { sequenceNumber });
  Object.defineProperty(event, UNREADABLE, { value: err });
  return event;
}

function describeAnswer(format: ApiFormat, response: unknown): string {
  if (response === undefined) return 'a stream event the proxy cannot read';
  const api = API_NAME[format];
  if (response === null || typeof response !== 'object' || Array.isArray(response)) return `a ${api} response that is not a JSON object`;
  const issue = modelIssue(RESPONSE_SCHEMAS[format], response);
  return issue ? `a ${api} response with ${issue.path.join('.') || 'the whole body'}: ${issue.message}` : `a ${api} response the proxy cannot convert`;
}
