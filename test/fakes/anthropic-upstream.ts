/**
 * A fake Anthropic API (`/v1/messages`, `/v1/messages/count_tokens`) that speaks the real wire
 * format and checks what a proxy sends it:
 *  - auth: a bearer token from `acceptedTokens` WITH the `oauth-2025-04-20` beta, or an
 *    `x-api-key` from `acceptedApiKeys`; a key listed in `clientKeys` (the dummy a client used)
 *    is refused and flagged in `leakedClientKey`; both at once or neither → 401.
 *  - replies are scripted per request: text, thinking (with signature deltas), tool_use (with
 *    `input_json_delta` chunks), real error bodies with `retry-after`, raw bytes, an `event: error`
 *    mid-stream, a stream cut mid-way, a slow stream (`eventDelayMs`, for abort/idle tests) or no answer at all (`hang`,
 *    for first-byte timeouts).
 *  - SSE follows the real event order (message_start, ping, content_block_*, message_delta,
 *    message_stop) and is written in several socket writes, some split mid-event.
 * Every request is recorded (headers, raw bytes, parsed body, arrival and end times). Serves both
 * the claude_api tests (the proxy in front of it) and the claude_sdk tests (the real Claude Code
 * CLI in front of it, via `ANTHROPIC_BASE_URL`).
 */
import type http from 'node:http';
import { LoopbackFake, parseJsonBody, readBody } from './loopback.js';

export type ContentSpec =
  /** An array is streamed as exactly those text deltas (the message text is their concatenation). */
  | { type: 'text'; text: string | string[] }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string };

export interface MessageReply {
  kind: 'message';
  content: ContentSpec[];
  stopReason?: string;
  model?: string;
  /** Token counts to report (the cache fields default to 0). */
  usage?: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
  /** Pause after each SSE event, ms: a slow stream for idle-timeout tests. */
  eventDelayMs?: number;
  /**
   * Stop after the first SSE event containing `after` until `until` settles (or the client goes
   * away): a stream that is surely still running while a test looks, however slow the machine.
   */
  hold?: { after: string; until: Promise<unknown> };
}

export type FakeReply =
  | MessageReply
  | { kind: 'error'; status: number; type: string; message: string; retryAfter?: string }
  | { kind: 'raw'; status: number; headers?: Record<string, string>; body: string }
  /** Stream `content` but cut the connection after `afterEvents` SSE events (mid-stream failure). */
  | { kind: 'broken'; content: ContentSpec[]; afterEvents: number }
  /** Stream `content`, but after `afterEvents` SSE events send the API's `event: error` and end (e.g. overloaded mid-stream). */
  | { kind: 'stream-error'; content: ContentSpec[]; afterEvents: number; type: string; message: string }
  /** Never answer (no status line): for first-byte and headers timeout tests. */
  | { kind: 'hang' };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown>;
  /** ms since epoch when the request body had arrived / when its response closed. */
  receivedAt: number;
  finishedAt?: number;
}

export type Script = (req: RecordedRequest, index: number) => FakeReply;

export const text = (t: string | string[], opts: Pick<MessageReply, 'eventDelayMs' | 'hold'> = {}): MessageReply => ({
  kind: 'message', content: [{ type: 'text', text: t }], ...opts,
});
export const toolUse = (name: string, input: Record<string, unknown>, preface?: string): MessageReply => ({
  kind: 'message',
  content: [...(preface ? [{ type: 'text' as const, text: preface }] : []), { type: 'tool_use' as const, name, input }],
  stopReason: 'tool_use',
});

/** The Anthropic error type the real API uses for each status. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
};

/** A real error body for `status`, with the type the API uses for it. */
export const apiError = (status: number, message = `fake upstream error ${status}`): FakeReply => ({
  kind: 'error', status, type: ERROR_TYPES[status] ?? 'api_error', message,
});

/** True for Claude Code's main-loop calls (they carry the tool list); side calls (titles, …) don't. */
export const isMainRequest = (r: RecordedRequest): boolean => Array.isArray(r.body.tools) && r.body.tools.length > 0;

/** A request's whole conversation (messages and tool results) as one string, for `toContain` checks. */
export const requestText = (r: RecordedRequest): string => JSON.stringify(r.body.messages ?? []);

const ERROR_BODY = (type: string, message: string): string => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_fake_error' });
/** The request id the fake puts in its in-stream `event: error`. */
export const STREAM_ERROR_REQUEST_ID = 'req_fake_stream_error';

export class FakeAnthropicUpstream extends LoopbackFake {
  readonly requests: RecordedRequest[] = [];
  readonly acceptedTokens = new Set<string>();
  readonly acceptedApiKeys = new Set<string>();
  /** Keys the client under test used: must never reach us. */
  readonly clientKeys = new Set<string>(['sk-ant-client-dummy']);
  leakedClientKey = false;
  /** Reasons for each refused request (auth failures), for assertions. */
  readonly refusals: string[] = [];
  script: Script = () => text('Hello from the fake Anthropic API.');
  /** Exact bytes of the last SSE stream / JSON message sent (for byte-faithfulness checks). */
  lastResponseBody = '';
  private counter = 0;

  /** Requests to `/v1/messages` (not count_tokens). */
  get messageRequests(): RecordedRequest[] {
    return this.requests.filter((r) => /^\/v1\/messages(\?|$)/.test(r.url));
  }

  /** Claude Code's main-loop message requests (see `isMainRequest`). */
  get mainRequests(): RecordedRequest[] {
    return this.messageRequests.filter(isMainRequest);
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const body = parseJsonBody(raw);
    if (!body) return this.sendError(res, 400, 'invalid_request_error', 'There was an issue with the format or content of your request. We were unable to parse the body as JSON.');
    const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, body, receivedAt: Date.now() };
    res.on('close', () => (rec.finishedAt = Date.now()));
    this.requests.push(rec);

    const refusal = this.authRefusal(req.headers);
    if (refusal) {
      this.refusals.push(refusal);
      return this.sendError(res, 401, 'authentication_error', refusal);
    }
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST') return this.sendError(res, 405, 'invalid_request_error', 'Method not allowed');
    if (path === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake_count' });
      res.end(JSON.stringify({ input_tokens: Math.ceil(raw.length / 4) }));
      return;
    }
    if (path !== '/v1/messages') return this.sendError(res, 404, 'not_found_error', `Not found: ${path}`);
    if (typeof body.model !== 'string' || typeof body.max_tokens !== 'number' || !Array.isArray(body.messages)) {
      return this.sendError(res, 400, 'invalid_request_error', 'model, max_tokens and messages are required');
    }
    const reply = this.script(rec, this.counter++);
    if (reply.kind === 'hang') return; // keep the socket open, never answer (close() drops it)
    if (reply.kind === 'error') return this.sendError(res, reply.status, reply.type, reply.message, reply.retryAfter);
    if (reply.kind === 'raw') {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
      return;
    }
    if (reply.kind === 'stream-error') {
      const events = sseEvents(buildMessage({ kind: 'message', content: reply.content }, body.model), reply.content).slice(0, reply.afterEvents);
      events.push(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message }, request_id: STREAM_ERROR_REQUEST_ID })}\n\n`);
      await this.stream(res, events, 0);
      return;
    }
    if (reply.kind === 'broken') {
      const events = sseEvents(buildMessage({ kind: 'message', content: reply.content }, body.model), reply.content);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(events.slice(0, reply.afterEvents).join(''));
      await tick();
      res.destroy();
      return;
    }
    const message = buildMessage(reply, body.model);
    if (body.stream === true) await this.stream(res, sseEvents(message, reply.content), reply.eventDelayMs ?? 0, reply.hold);
    else {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_fake_${this.counter}` });
      this.lastResponseBody = JSON.stringify(message);
      res.end(this.lastResponseBody);
    }
  }

  private authRefusal(h: http.IncomingHttpHeaders): string | null {
    const key = typeof h['x-api-key'] === 'string' ? h['x-api-key'] : undefined;
    const auth = typeof h.authorization === 'string' ? h.authorization : undefined;
    if (key && this.clientKeys.has(key)) this.leakedClientKey = true;
    if (auth && this.clientKeys.has(auth.replace(/^Bearer\s+/i, ''))) this.leakedClientKey = true;
    if (key && auth) return 'both x-api-key and authorization sent';
    if (auth) {
      const token = auth.replace(/^Bearer\s+/i, '');
      if (!this.acceptedTokens.has(token)) return 'Invalid bearer token';
      const betas = String(h['anthropic-beta'] ?? '').split(',').map((s) => s.trim());
      if (!betas.includes('oauth-2025-04-20')) return 'OAuth authentication is currently not supported.';
      if (!h['anthropic-version']) return 'anthropic-version header is required';
      return null;
    }
    if (key) return this.acceptedApiKeys.has(key) ? null : 'invalid x-api-key';
    return 'x-api-key header is required';
  }

  private sendError(res: http.ServerResponse, status: number, type: string, message: string, retryAfter?: string): void {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': 'req_fake_error' };
    if (retryAfter) headers['retry-after'] = retryAfter;
    res.writeHead(status, headers);
    res.end(ERROR_BODY(type, message));
  }

  private async stream(res: http.ServerResponse, events: string[], eventDelayMs: number, hold?: MessageReply['hold']): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_fake_stream' });
    this.lastResponseBody = events.join('');
    // Split one event across two writes to exercise parsers that must buffer partial events.
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return; // the client went away (abort tests)
      const ev = events[i]!;
      if (i === 2 && ev.length > 10) {
        res.write(ev.slice(0, 7));
        await tick();
        res.write(ev.slice(7));
      } else res.write(ev);
      if (hold && ev.includes(hold.after)) {
        const gone = new Promise((r) => res.once('close', r));
        await Promise.race([hold.until, gone]);
        hold = undefined;
      }
      if (eventDelayMs) await sleep(eventDelayMs);
      else if (i % 3 === 0) await tick();
    }
    res.end();
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Record<string, unknown>[];
  stop_reason: string;
  stop_sequence: null;
  usage: Usage;
}

/** Usage as the real API reports it (cache breakdown, service tier and inference region included). */
interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  service_tier: string;
  inference_geo: string;
}

let toolCounter = 0;

function buildMessage(reply: MessageReply, model: string): Message {
  const content = reply.content.map((c) => {
    if (c.type === 'tool_use') return { type: 'tool_use', id: c.id ?? `toolu_fake_${++toolCounter}`, name: c.name, input: c.input, caller: { type: 'direct' } };
    if (c.type === 'text') return { type: 'text', text: Array.isArray(c.text) ? c.text.join('') : c.text };
    return { ...c };
  });
  return {
    id: `msg_fake_${Date.now().toString(36)}`,
    type: 'message',
    role: 'assistant',
    model: reply.model ?? model,
    content,
    stop_reason: reply.stopReason ?? 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 12, output_tokens: 7, cache_read_input_tokens: 0, cache_creation_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }, service_tier: 'standard', inference_geo: 'not_available',
      ...reply.usage,
    },
  };
}

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Split a string into n roughly equal pieces (several deltas per block, like the real API). */
function pieces(s: string, n = 3): string[] {
  if (s.length <= n) return [s];
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** The SSE events of `m`; text blocks whose spec (by index) lists its deltas are streamed as those. */
function sseEvents(m: Message, spec: ContentSpec[]): string[] {
  const out = [
    sse('message_start', { message: { ...m, content: [], stop_reason: null, usage: { ...m.usage, output_tokens: 1 } } }),
    sse('ping', {}),
  ];
  m.content.forEach((block, index) => {
    if (block.type === 'text') {
      out.push(sse('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      const given = spec[index];
      const deltas = given?.type === 'text' && Array.isArray(given.text) ? given.text : pieces(block.text as string);
      for (const p of deltas) out.push(sse('content_block_delta', { index, delta: { type: 'text_delta', text: p } }));
    } else if (block.type === 'thinking') {
      out.push(sse('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const p of pieces(block.thinking as string)) out.push(sse('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: p } }));
      out.push(sse('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } }));
    } else if (block.type === 'tool_use') {
      out.push(sse('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {}, caller: block.caller } }));
      out.push(sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
      for (const p of pieces(JSON.stringify(block.input), 4)) out.push(sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } }));
    }
    out.push(sse('content_block_stop', { index }));
  });
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens } = m.usage;
  out.push(sse('message_delta', { delta: { stop_reason: m.stop_reason, stop_sequence: null }, usage: { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens } }));
  out.push(sse('message_stop', {}));
  return out;
}
