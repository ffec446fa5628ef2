/**
 * What a client received, checked against the official specs: a JSON body against the API's
 * response schema, an error body against its error schema (plus the status ↔ error type the
 * Anthropic API pairs, and `request_id`), every SSE event against the API's event schema, its
 * `event:` name against its `type`, and the event order against the API's stream grammar
 * (test/formats/helpers/grammar.ts). Returns every violation as a readable line; none = conformant.
 */
import { createParser } from 'eventsource-parser';
import { expect } from 'vitest';
import type { StreamEvent } from '../../src/formats/convert.js';
import { expectAnthropicGrammar, expectChatGrammar, expectResponsesGrammar } from '../formats/helpers/grammar.js';
import { EXTRA_EVENTS, allowanceKey } from './allow-list.js';
import { ROOTS, specValidators, type SpecName } from './spec-schemas.js';

export type ClientApi = 'anthropic' | 'chat' | 'responses';

export interface Received {
  api: ClientApi;
  status: number;
  contentType: string;
  text: string;
}

export interface Expected {
  /** `ok`: a 2xx answer; `error`: an HTTP error; `stream-error`: a 2xx stream that ends in the API's error. */
  outcome: 'ok' | 'error' | 'stream-error';
  /** Exact HTTP status, or a predicate (e.g. any 5xx). */
  status?: number | ((status: number) => boolean);
  /** The client asked for Chat's usage chunk (`stream_options.include_usage`). */
  includeUsage?: boolean;
  /** Strings the body must contain: the scenario really happened (a tool call, reasoning…). */
  contains?: string[];
  /** `request_id` every Anthropic error must carry: the request's `x-request-id`, or a pattern for upstream-written errors. */
  requestId?: string | RegExp;
}

const SPEC: Record<ClientApi, SpecName> = { anthropic: 'anthropic', chat: 'openai', responses: 'openai' };

/** The Anthropic error type for each status the API documents (errors docs: HTTP errors). */
const ANTHROPIC_TYPE_FOR_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

interface Frame {
  event?: string;
  data: string;
}

function sseFrames(text: string): Frame[] {
  const frames: Frame[] = [];
  const parser = createParser({ onEvent: (m) => frames.push({ event: m.event, data: m.data }) });
  parser.feed(text);
  parser.feed('\n\n');
  return frames;
}

/** Keys whose string values, concatenated in stream order, spell out what was streamed. */
const STREAMED = new Set(['text', 'thinking', 'partial_json', 'content', 'reasoning_content', 'arguments', 'delta', 'name']);

/** The text a stream carried (its deltas joined), for the scenario evidence. */
function streamedText(events: StreamEvent[]): string {
  let out = '';
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (typeof v === 'string' && STREAMED.has(k)) out += v;
        else walk(v);
      }
    }
  };
  for (const e of events) {
    // A completed response repeats everything its deltas said: leave it out so deltas must carry it.
    if (e.type === 'response.completed' || e.type === 'response.output_item.done' || e.type === 'response.content_part.done' || String(e.type).endsWith('.done')) continue;
    walk(e);
  }
  return out;
}

export function violations(got: Received, want: Expected): string[] {
  const out: string[] = [];
  const validators = specValidators();
  const spec = SPEC[got.api];
  const check = (root: string, value: unknown, where: string): void => {
    for (const v of validators.validate(spec, root, value)) out.push(`${where}${v.path}: ${v.message} [${v.component}]`);
  };
  const checkError = (value: unknown, where: string): void => {
    check(ROOTS[spec].error, value, where);
    if (got.api === 'anthropic' && want.requestId !== undefined) {
      const id = (value as { request_id?: unknown }).request_id;
      const ok = typeof want.requestId === 'string' ? id === want.requestId : typeof id === 'string' && want.requestId.test(id);
      if (!ok) out.push(`${where}/request_id: ${JSON.stringify(id)}, expected ${String(want.requestId)}`);
    }
  };

  const isStream = got.contentType.includes('text/event-stream');
  if (want.status !== undefined) {
    const ok = typeof want.status === 'number' ? got.status === want.status : want.status(got.status);
    if (!ok) out.push(`HTTP ${got.status}, expected ${typeof want.status === 'number' ? want.status : 'another status'}`);
  }
  if (want.outcome === 'error') {
    if (got.status < 400) return [...out, `HTTP ${got.status}, expected an error status: ${got.text.slice(0, 300)}`];
  } else if (got.status >= 300) {
    return [...out, `HTTP ${got.status}, expected success: ${got.text.slice(0, 300)}`];
  }
  const lacking = (text: string): void => {
    for (const s of want.contains ?? []) if (!text.includes(s)) out.push(`the answer lacks ${JSON.stringify(s)}`);
  };

  if (got.status >= 400 || !isStream) {
    lacking(got.text);
    if (!got.contentType.includes('application/json')) out.push(`content-type ${got.contentType}, expected application/json`);
    let body: unknown;
    try {
      body = JSON.parse(got.text);
    } catch {
      return [...out, `body is not JSON: ${got.text.slice(0, 200)}`];
    }
    if (got.status >= 400) {
      checkError(body, 'error body');
      const type = (body as { error?: { type?: unknown } }).error?.type;
      const expectedType = ANTHROPIC_TYPE_FOR_STATUS[got.status];
      if (got.api === 'anthropic' && expectedType && type !== expectedType) out.push(`HTTP ${got.status} with error type ${String(type)}, the API pairs it with ${expectedType}`);
    } else if (got.api === 'anthropic') check(ROOTS.anthropic.message, body, 'body');
    else if (got.api === 'chat') check(ROOTS.openai.chatCompletion, body, 'body');
    else check(ROOTS.openai.response, body, 'body');
    return out;
  }

  const frames = sseFrames(got.text);
  const events: StreamEvent[] = [];
  let done = -1;
  frames.forEach((frame, i) => {
    const where = `event ${i}`;
    if (got.api === 'chat' && frame.data === '[DONE]') {
      done = i;
      return;
    }
    let event: StreamEvent;
    try {
      event = JSON.parse(frame.data) as StreamEvent;
    } catch {
      out.push(`${where}: data is not JSON: ${frame.data.slice(0, 200)}`);
      return;
    }
    events.push(event);
    if (got.api !== 'chat' && frame.event !== event.type) out.push(`${where}: SSE event name ${String(frame.event)} ≠ type ${String(event.type)}`);
    if (got.api === 'anthropic') {
      if (event.type === 'error') checkError(event, where);
      else check(ROOTS.anthropic.streamEvent, event, where);
    } else if (got.api === 'chat') {
      if (event.error !== undefined) checkError(event, where);
      else check(ROOTS.openai.chatChunk, event, where);
    } else {
      const extra = EXTRA_EVENTS.find((e) => e.spec === 'openai' && e.type === event.type);
      if (extra) validators.usedAllowances.add(allowanceKey(extra));
      else check(ROOTS.openai.responseEvent, event, where);
    }
  });
  lacking(streamedText(events));

  const last = events.at(-1);
  const failed = got.api === 'anthropic' ? last?.type === 'error'
    : got.api === 'chat' ? last?.error !== undefined
    : last?.type === 'response.failed' || last?.type === 'error';
  if (want.outcome === 'stream-error' && !failed) out.push(`stream ends with ${JSON.stringify(last).slice(0, 200)}, expected the API's error event`);
  if (want.outcome === 'ok' && failed) out.push(`stream ends in an error: ${JSON.stringify(last).slice(0, 300)}`);
  if (got.api === 'chat') {
    if (failed && done !== -1) out.push('data: [DONE] after the error object');
    if (!failed && done !== frames.length - 1) out.push('the stream does not end with data: [DONE]');
  }
  try {
    if (got.api === 'anthropic') expectAnthropicGrammar(events);
    else if (got.api === 'chat') expectChatGrammar(events, { usage: want.includeUsage ?? false });
    else expectResponsesGrammar(events);
  } catch (err) {
    out.push(`stream grammar: ${(err as Error).message.split('\n')[0]}`);
  }
  return out;
}

/**
 * For tests that already hold a response (e.g. the claude_sdk end-to-end tests, whose real CLI
 * runs are too costly to repeat here): asserts the body conforms to the specs, returns its text.
 */
export async function conformantText(api: ClientApi, res: Response): Promise<string> {
  const text = await res.text();
  const found = violations({ api, status: res.status, contentType: res.headers.get('content-type') ?? '', text }, { outcome: res.status < 400 ? 'ok' : 'error' });
  expect(found, 'violations of the official spec').toEqual([]);
  return text;
}
