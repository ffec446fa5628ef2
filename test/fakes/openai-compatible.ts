/**
 * A fake OpenAI-compatible server (`<url>/v1/chat/completions`, `/v1/responses`, `/v1/models`)
 * speaking the real wire format, and checking what a proxy sends it:
 *  - auth: `Authorization: Bearer <apiKey>` or 401 with OpenAI's `invalid_api_key` body; a key in
 *    `clientKeys` (the dummy a client used) sets `leakedClientKey`.
 *  - chat flavour: real `chat.completion.chunk` SSE ending in `data: [DONE]`, tool-call arguments
 *    split over several deltas, a usage chunk after the finish chunk (when asked for), written in
 *    several socket writes; quirks switchable (whole arguments, no `index`, no usage chunk, no
 *    finish_reason, `tool_calls` finish without calls).
 *  - responses flavour: the real `response.*` event sequence with `sequence_number`s (reasoning
 *    summaries included), the response object with every field the real API reports.
 *  - scripted per request: text, reasoning, tool calls, HTTP errors (real bodies, `retry-after`),
 *    a stream cut after N events, or an error object mid-stream.
 * Every request is recorded.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { LoopbackFake, parseJsonBody, readBody } from './loopback.js';
import { functionCallItemEvents, messageItemEvents, reasoningItemEvents, responseObject, responsesUsage, type FakeUsage } from './responses-items.js';

export interface ChatQuirks {
  /** Tool-call arguments in one delta instead of several. */
  wholeArguments?: boolean;
  /** Tool-call deltas without `index`. */
  omitIndex?: boolean;
  /** Never send the usage chunk, even when `stream_options.include_usage` is set. */
  omitUsage?: boolean;
  /** No `finish_reason` on any chunk. */
  omitFinishReason?: boolean;
  /** `finish_reason: "tool_calls"` although the turn made no call. */
  toolCallsFinishWithoutCalls?: boolean;
}

export interface FakeTurn {
  text?: string;
  /** The usage to report instead of the default (21 in, 9 out, no details). */
  usage?: FakeUsage;
  reasoning?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown>; id?: string }>;
  /** Answer with this status and an OpenAI error body instead. */
  httpError?: { status: number; message?: string; type?: string; code?: string; retryAfter?: string };
  /** Stream: destroy the connection after this many SSE events. */
  cutAfterEvents?: number;
  /** Stream: send an error object (chat) / `response.failed` (responses) after the first events. */
  streamError?: string;
  /** Pause between SSE events (ms). */
  eventDelayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeOpenAIOptions {
  apiKey?: string;
  quirks?: ChatQuirks;
  models?: string[];
  respond?: (req: RecordedRequest, index: number) => FakeTurn;
}

export class FakeOpenAICompatible extends LoopbackFake {
  readonly requests: RecordedRequest[] = [];
  readonly clientKeys = new Set(['sk-client-dummy', 'sk-ant-client-dummy', 'dummy']);
  leakedClientKey = false;
  apiKey: string;
  /** More keys accepted besides `apiKey` (a pool of keys). */
  readonly extraKeys = new Set<string>();
  quirks: ChatQuirks;
  models: string[];
  respond: (req: RecordedRequest, index: number) => FakeTurn;
  private counter = 0;

  constructor(opts: FakeOpenAIOptions = {}) {
    super();
    this.apiKey = opts.apiKey ?? 'sk-upstream-valid';
    this.quirks = opts.quirks ?? {};
    this.models = opts.models ?? ['gpt-test-1', 'gpt-test-mini'];
    this.respond = opts.respond ?? (() => ({ text: 'Hello from the fake OpenAI server.' }));
  }

  /** `<url>/v1`: what `base_url` is set to. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  /** Model requests (not /models). */
  get modelRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST');
  }

  /** A bug in the fake answers 500 in OpenAI's words: the client under test sees a server error. */
  protected override handlerFailed(err: unknown, res: http.ServerResponse): void {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: String(err), type: 'server_error', param: null, code: null } }));
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = parseJsonBody(await readBody(req));
    if (!body) return sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    const path = (req.url ?? '').split('?')[0] ?? '';
    const rec: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body };
    this.requests.push(rec);

    const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization.replace(/^Bearer\s+/i, '') : '';
    if (this.clientKeys.has(auth) || this.clientKeys.has(String(req.headers['x-api-key'] ?? ''))) this.leakedClientKey = true;
    if (auth !== this.apiKey && !this.extraKeys.has(auth)) {
      return sendError(res, 401, `Incorrect API key provided: ${auth.slice(0, 6)}***.`, 'invalid_request_error', 'invalid_api_key');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake-org' })) }));
      return;
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/responses')) {
      return sendError(res, 404, `Unknown request URL: ${req.method} ${path}.`, 'invalid_request_error', 'unknown_url');
    }
    if (typeof body.model !== 'string' || !body.model) return sendError(res, 400, 'you must provide a model parameter', 'invalid_request_error');
    const chat = path === '/v1/chat/completions';
    if (chat && !Array.isArray(body.messages)) return sendError(res, 400, "Missing required parameter: 'messages'.", 'invalid_request_error');
    if (!chat && body.input === undefined) return sendError(res, 400, "Missing required parameter: 'input'.", 'invalid_request_error');

    const turn = this.respond(rec, this.counter++);
    if (turn.httpError) {
      const e = turn.httpError;
      return sendError(res, e.status, e.message ?? `HTTP ${e.status}`, e.type ?? (e.status === 429 ? 'rate_limit_error' : 'server_error'), e.code, e.retryAfter);
    }
    const model = body.model;
    if (body.stream === true) {
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      const events = chat ? chatEvents(turn, model, this.quirks, includeUsage) : responsesEvents(turn, model, body);
      await streamEvents(res, events, chat, turn, body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${this.counter}` });
    res.end(JSON.stringify(chat ? chatCompletion(turn, model, this.quirks) : responsesEvents(turn, model, body).at(-1)?.response));
  }
}

export function sendError(res: http.ServerResponse, status: number, message: string, type: string, code?: string, retryAfter?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': 'req_fake_error' };
  if (retryAfter) headers['retry-after'] = retryAfter;
  res.writeHead(status, headers);
  res.end(JSON.stringify({ error: { message, type, param: null, code: code ?? null } }));
}

const rid = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;
const tick = (ms?: number): Promise<void> => new Promise((r) => (ms ? setTimeout(r, ms) : setImmediate(r)));

export async function streamEvents(res: http.ServerResponse, events: Record<string, unknown>[], chat: boolean, turn: FakeTurn, request: Record<string, unknown>): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const frames = events.map((e) => (chat ? `data: ${JSON.stringify(e)}\n\n` : `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`));
  if (turn.streamError) {
    const at = Math.min(2, frames.length);
    const shell = events[0]?.response as { id: string; created_at: number; model: string } | undefined;
    const failed = responseObject(request, {
      id: shell?.id ?? 'resp_failed', createdAt: shell?.created_at ?? 0, model: shell?.model ?? String(request.model), status: 'failed', output: [],
      error: { code: 'server_error', message: turn.streamError },
    });
    const err = chat
      ? `data: ${JSON.stringify({ error: { message: turn.streamError, type: 'server_error', param: null, code: null } })}\n\n`
      : `event: response.failed\ndata: ${JSON.stringify({ type: 'response.failed', sequence_number: at, response: failed })}\n\n`;
    frames.splice(at, frames.length - at, err);
  } else if (chat) frames.push('data: [DONE]\n\n');
  for (let i = 0; i < frames.length; i++) {
    if (turn.cutAfterEvents !== undefined && i >= turn.cutAfterEvents) {
      res.destroy();
      return;
    }
    const frame = frames[i]!;
    // Split one frame across two writes: parsers must buffer partial events.
    if (i === 1 && frame.length > 12) {
      res.write(frame.slice(0, 9));
      await tick();
      res.write(frame.slice(9));
    } else res.write(frame);
    await tick(turn.eventDelayMs);
  }
  res.end();
}

function splitArgs(args: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < args.length; i += 7) parts.push(args.slice(i, i + 7));
  return parts;
}

export function chatEvents(turn: FakeTurn, model: string, quirks: ChatQuirks, includeUsage: boolean): Record<string, unknown>[] {
  const id = rid('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> => ({
    id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const out: Record<string, unknown>[] = [chunk({ role: 'assistant', content: '' })];
  if (turn.reasoning) out.push(chunk({ reasoning_content: turn.reasoning }));
  if (turn.text) for (const piece of turn.text.match(/.{1,8}/gs) ?? []) out.push(chunk({ content: piece }));
  (turn.toolCalls ?? []).forEach((call, i) => {
    const callId = call.id ?? `call_${randomBytes(6).toString('hex')}`;
    const args = JSON.stringify(call.arguments);
    const idx = quirks.omitIndex ? {} : { index: i };
    if (quirks.wholeArguments) {
      out.push(chunk({ tool_calls: [{ ...idx, id: callId, type: 'function', function: { name: call.name, arguments: args } }] }));
      return;
    }
    out.push(chunk({ tool_calls: [{ ...idx, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const part of splitArgs(args)) out.push(chunk({ tool_calls: [{ ...idx, function: { arguments: part } }] }));
  });
  const finish = turn.toolCalls?.length || quirks.toolCallsFinishWithoutCalls ? 'tool_calls' : 'stop';
  if (!quirks.omitFinishReason) out.push(chunk({}, finish));
  if (includeUsage && !quirks.omitUsage) {
    out.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: chatUsage(turn.usage) });
  }
  return out;
}

export function chatCompletion(turn: FakeTurn, model: string, quirks: ChatQuirks): Record<string, unknown> {
  const calls = (turn.toolCalls ?? []).map((c) => ({ id: c.id ?? `call_${randomBytes(6).toString('hex')}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
  const finish = calls.length || quirks.toolCallsFinishWithoutCalls ? 'tool_calls' : 'stop';
  return {
    id: rid('chatcmpl'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{
      index: 0,
      message: { role: 'assistant', content: turn.text ?? null, ...(turn.reasoning ? { reasoning_content: turn.reasoning } : {}), ...(calls.length ? { tool_calls: calls } : {}), refusal: null },
      logprobs: null,
      finish_reason: quirks.omitFinishReason ? null : finish,
    }],
    ...(quirks.omitUsage ? {} : { usage: chatUsage(turn.usage) }),
  };
}

/** Chat `usage`: the default counts without details, or the turn's with every detail. */
function chatUsage(u: FakeUsage | undefined): Record<string, unknown> {
  if (!u) return { prompt_tokens: 21, completion_tokens: 9, total_tokens: 30 };
  return {
    prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached ?? 0, cache_write_tokens: u.cacheWrite ?? 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning ?? 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** The real Responses stream for one turn; the last event (`response.completed`) carries the full response. */
export function responsesEvents(turn: FakeTurn, model: string, request: Record<string, unknown>): Record<string, unknown>[] {
  const id = rid('resp');
  const created = Math.floor(Date.now() / 1000);
  let seq = 0;
  const out: Record<string, unknown>[] = [];
  const push = (e: Record<string, unknown>): void => {
    out.push({ ...e, sequence_number: seq++ });
  };
  const shell = (status: string, output: unknown[], usage: unknown = null): Record<string, unknown> =>
    responseObject(request, { id, createdAt: created, model, status, output, usage });
  push({ type: 'response.created', response: shell('in_progress', []) });
  push({ type: 'response.in_progress', response: shell('in_progress', []) });
  const output: Record<string, unknown>[] = [];
  if (turn.reasoning) {
    output.push(reasoningItemEvents(push, rid('rs'), output.length, turn.reasoning, turn.reasoning.match(/.{1,8}/gs) ?? [], `gAAAAB${randomBytes(16).toString('base64')}`));
  }
  if (turn.text) output.push(messageItemEvents(push, rid('msg'), output.length, turn.text, turn.text.match(/.{1,8}/gs) ?? []));
  for (const call of turn.toolCalls ?? []) {
    const itemId = rid('fc');
    const callId = call.id ?? `call_${randomBytes(6).toString('hex')}`;
    const args = JSON.stringify(call.arguments);
    output.push(functionCallItemEvents(push, itemId, output.length, { callId, name: call.name, args }, splitArgs(args)));
  }
  const usage = responsesUsage(turn.usage ?? { input: 21, output: 9, reasoning: turn.reasoning ? 4 : 0 });
  push({ type: 'response.completed', response: shell('completed', output, usage) });
  return out;
}
