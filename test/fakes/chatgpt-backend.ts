/**
 * Fake ChatGPT Codex backend (`POST <base>/backend-api/codex/responses`), strict the way the real
 * one is: it checks the bearer token and `chatgpt-account-id`, requires `stream: true`,
 * `store: false` and non-empty `instructions` starting with the Codex base prompt, and answers 400
 * (real-looking `{"detail": ...}` bodies) to `system` input items and to the parameters the real
 * backend rejects. Replies are scripted turns streamed as real Responses SSE events (reasoning with
 * encrypted_content, text, function calls with argument deltas, `response.failed`).
 * Every request is recorded for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { listenLoopback, readBody } from './loopback.js';
import { functionCallItemEvents, messageItemEvents, reasoningItemEvents, responseObject, responsesUsage, type FakeUsage } from './responses-items.js';

export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
  callId?: string;
}

export interface ScriptedTurn {
  reasoning?: string;
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** Stream `response.failed` with this error after `response.created` (after part of `text`, when given). */
  fail?: { code: string; message: string };
  /** Pause between events (ms). */
  eventDelayMs?: number;
  /**
   * Stop after the first event of this type until `until` settles (or the proxy goes away): the
   * rest of the stream surely has not been sent while a test looks, however slow the machine.
   */
  hold?: { afterType: string; until: Promise<unknown> };
  /** The usage `response.completed` reports instead of the default (1200 in, 1024 of them cached, 40 out). */
  usage?: FakeUsage;
  /** Answer with this HTTP status and JSON body instead of a stream. */
  httpError?: { status: number; body: unknown };
  /** Destroy the connection after this many SSE events (a stream cut mid-way). */
  cutAfterEvents?: number;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** Set when the fake rejected the request. */
  rejected?: { status: number; body: unknown };
  /** The proxy closed the connection before the stream ended (client went away). */
  closedEarly?: boolean;
}

export interface ChatGptBackendOptions {
  /** Bearer tokens accepted (a function lets a test rotate them). */
  validTokens: () => string[];
  accountId: string;
  /** `instructions` must start with this (or one of these: base prompts are per model). */
  basePrompt: string | string[];
  /** Chooses the reply; default: queued turns, then a plain "ok" answer. */
  respond?: (req: RecordedRequest, index: number) => ScriptedTurn;
}

export interface ChatGptBackend {
  /** Use as `plugins.codex.base_url`. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests that reached the model (not rejected). */
  accepted(): RecordedRequest[];
  queue(...turns: ScriptedTurn[]): void;
  /** Drop queued turns a failed test left behind. */
  clearQueue(): void;
  close(): Promise<void>;
}

/** Parameters the real backend answers with `Unsupported parameter: <name>`. */
export const UNSUPPORTED_PARAMETERS = ['max_output_tokens', 'max_tokens', 'temperature', 'top_p', 'metadata', 'user', 'truncation', 'safety_identifier'];

export async function startChatGptBackend(opts: ChatGptBackendOptions): Promise<ChatGptBackend> {
  const requests: RecordedRequest[] = [];
  const queued: ScriptedTurn[] = [];
  let modelCalls = 0;
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ detail: String(err) }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(received.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      /* validated below */
    }
    const rec: RecordedRequest = { path: req.url ?? '', headers: req.headers, body };
    requests.push(rec);
    const reject = (status: number, payload: unknown): void => {
      rec.rejected = { status, body: payload };
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || req.url !== '/backend-api/codex/responses') return reject(404, { detail: 'Not Found' });
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!opts.validTokens().includes(token)) {
      return reject(401, {
        error: { message: 'Provided authentication token is expired. Please try signing in again.', type: null, code: 'token_expired', param: null },
        status: 401,
      });
    }
    if (req.headers['chatgpt-account-id'] !== opts.accountId) return reject(403, { detail: 'Missing or invalid chatgpt-account-id' });
    const check = validateBody(body, opts.basePrompt);
    if (check) return reject(400, { detail: check });

    const turn = opts.respond ? opts.respond(rec, modelCalls) : (queued.shift() ?? { text: 'ok' });
    modelCalls += 1;
    if (turn.httpError) return reject(turn.httpError.status, turn.httpError.body);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.on('close', () => {
      if (!res.writableFinished) rec.closedEarly = true;
    });
    let hold = turn.hold;
    for (const [i, event] of turnEvents(turn, String(body.model), body).entries()) {
      if (rec.closedEarly) return;
      if (turn.cutAfterEvents !== undefined && i >= turn.cutAfterEvents) {
        res.destroy();
        return;
      }
      res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
      if (hold && event.type === hold.afterType) {
        await Promise.race([hold.until, new Promise((r) => res.once('close', r))]);
        hold = undefined;
        if (rec.closedEarly) return;
      }
      await new Promise((r) => (turn.eventDelayMs ? setTimeout(r, turn.eventDelayMs) : setImmediate(r)));
    }
    res.end();
  }

  const url = await listenLoopback(server);
  return {
    baseUrl: `${url}/backend-api/codex`,
    requests,
    accepted: () => requests.filter((r) => !r.rejected),
    queue: (...turns) => queued.push(...turns),
    clearQueue: () => {
      queued.length = 0;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** What the real backend refuses; the message mirrors its `detail`. */
function validateBody(body: Record<string, unknown>, basePrompt: string | string[]): string | undefined {
  const prompts = Array.isArray(basePrompt) ? basePrompt : [basePrompt];
  for (const p of UNSUPPORTED_PARAMETERS) if (p in body) return `Unsupported parameter: ${p}`;
  if (body.previous_response_id) return 'Unsupported parameter: previous_response_id';
  if (body.stream !== true) return 'Stream must be set to true';
  if (body.store !== false) return 'Store must be set to false';
  const instructions = body.instructions;
  if (typeof instructions !== 'string' || !instructions || !prompts.some((p) => instructions.startsWith(p))) {
    return 'Instructions are not valid';
  }
  if (!Array.isArray(body.input)) return 'Input must be a list';
  for (const item of body.input as Record<string, unknown>[]) {
    if (item.role === 'system') return 'System messages are not allowed';
    if (item.type === 'item_reference') return `Item with id '${String(item.id)}' not found. Items are not persisted when \`store\` is set to false.`;
  }
  return undefined;
}

const id = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

/** The real event sequence for one turn (`request`: the body it answers, whose settings the response echoes). */
export function turnEvents(turn: ScriptedTurn, model: string, request: Record<string, unknown> = {}): Record<string, unknown>[] {
  const responseId = id('resp');
  const created = Math.floor(Date.now() / 1000);
  const response = (status: string, output: unknown[] = [], more: { usage?: unknown; error?: unknown } = {}): Record<string, unknown> =>
    responseObject(request, { id: responseId, createdAt: created, model, status, output, ...more });
  const events: Record<string, unknown>[] = [];
  let seq = 0;
  const push = (e: Record<string, unknown>): void => {
    events.push({ ...e, sequence_number: seq++ });
  };
  push({ type: 'response.created', response: response('in_progress') });
  push({ type: 'response.in_progress', response: response('in_progress') });
  // The ChatGPT backend's own extra event (subscription window usage); clients must tolerate it.
  push({
    type: 'codex.rate_limits',
    plan_type: 'pro',
    rate_limits: {
      allowed: true,
      limit_reached: false,
      primary: { used_percent: 12, window_minutes: 300, reset_after_seconds: 9000 },
      secondary: { used_percent: 3, window_minutes: 10080, reset_after_seconds: 500000 },
    },
  });
  if (turn.fail) {
    if (turn.text !== undefined) {
      // The turn fails while its message is being written: the item is never done.
      const itemId = id('msg');
      push({ type: 'response.output_item.added', output_index: 0, item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
      push({ type: 'response.content_part.added', item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
      for (const d of pieces(turn.text)) push({ type: 'response.output_text.delta', item_id: itemId, output_index: 0, content_index: 0, delta: d, logprobs: [] });
    }
    push({ type: 'response.failed', response: response('failed', [], { error: turn.fail }) });
    return events;
  }
  const output: Record<string, unknown>[] = [];
  if (turn.reasoning !== undefined) {
    const encrypted = `gAAAAB${randomBytes(24).toString('base64')}`;
    output.push(reasoningItemEvents(push, id('rs'), output.length, turn.reasoning, pieces(turn.reasoning), encrypted));
  }
  if (turn.text !== undefined) output.push(messageItemEvents(push, id('msg'), output.length, turn.text, pieces(turn.text)));
  for (const call of turn.toolCalls ?? []) {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    const itemId = id('fc');
    output.push(functionCallItemEvents(push, itemId, output.length, { callId: call.callId ?? id('call'), name: call.name, args }, pieces(args)));
  }
  const usage = responsesUsage(turn.usage ?? { input: 1200, cached: 1024, output: 40, reasoning: turn.reasoning ? 16 : 0 });
  push({ type: 'response.completed', response: response('completed', output, { usage }) });
  return events;
}

/** Splits text into a few deltas, like the real stream does. */
function pieces(text: string): string[] {
  if (text.length <= 4) return [text];
  const size = Math.ceil(text.length / 3);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
