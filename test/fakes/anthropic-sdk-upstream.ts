/**
 * A scripted fake Anthropic Messages upstream for driving the real Claude Code CLI in tests.
 * Speaks the real wire format (SSE `message_start … message_stop` sequences, JSON messages for
 * non-stream calls), records every request, and lets a test script each reply: text, a tool call,
 * a slow stream (for abort tests) or a hang before the first byte (for timeout tests).
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { listenLoopback, readBody } from './loopback.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** ms since epoch when the request arrived / its response ended. */
  receivedAt: number;
  finishedAt?: number;
}

export interface ScriptedReply {
  /** Text of the assistant answer (split into a few deltas). */
  text?: string;
  /** A tool call instead of (after) the text; stop_reason becomes `tool_use`. */
  toolUse?: { name: string; input: Record<string, unknown> };
  /** Delay between stream events, ms (slow streams for abort tests). */
  eventDelayMs?: number;
  /** Number of extra text deltas to emit slowly (with eventDelayMs) for long streams. */
  extraDeltas?: number;
  /** Never answer (hang before headers) — for first-chunk timeout tests. */
  hang?: boolean;
  /** Answer with this HTTP error status and a real Anthropic error body. */
  status?: number;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
};

export type Responder = (req: RecordedRequest, index: number) => ScriptedReply;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True for the CLI's main-loop calls (they carry the tool list); side calls (titles, …) don't. */
export function isMainRequest(req: RecordedRequest): boolean {
  return Array.isArray(req.body.tools) && req.body.tools.length > 0;
}

/** All text of a request's messages (and tool results) flattened, for `toContain` assertions. */
export function requestText(req: RecordedRequest): string {
  return JSON.stringify(req.body.messages ?? []);
}

export class FakeAnthropicSdkUpstream {
  readonly requests: RecordedRequest[] = [];
  responder: Responder = () => ({ text: 'Hello from the fake upstream.' });
  private server = http.createServer((req, res) => void this.handle(req, res));
  private sockets = new Set<Socket>();
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.url = await listenLoopback(this.server);
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  mainRequests(): RecordedRequest[] {
    return this.requests.filter(isMainRequest);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = (await readBody(req)).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'bad json' } }));
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, receivedAt: Date.now() };
    res.on('close', () => (rec.finishedAt = Date.now()));
    if (req.method !== 'POST' || !path?.startsWith('/v1/messages')) {
      // Anything else the CLI probes (it should not with nonessential traffic disabled).
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${path}` } }));
      return;
    }
    if (path === '/v1/messages/count_tokens') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: 42 }));
      return;
    }
    if (typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'model and messages are required' } }));
      return;
    }
    this.requests.push(rec);
    const reply = this.responder(rec, this.requests.length - 1);
    if (reply.hang) return; // keep the socket open, never answer
    if (reply.status) {
      res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': 'req_fake_error' });
      res.end(JSON.stringify({ type: 'error', error: { type: ERROR_TYPES[reply.status] ?? 'api_error', message: `fake upstream error ${reply.status}` } }));
      return;
    }
    const id = `msg_fake_${++this.counter}`;
    if (body.stream === true) await this.stream(res, id, body.model, reply);
    else this.json(res, id, body.model, reply);
  }

  private content(reply: ScriptedReply, id: string): Array<Record<string, unknown>> {
    const blocks: Array<Record<string, unknown>> = [];
    if (reply.text !== undefined) blocks.push({ type: 'text', text: reply.text });
    if (reply.toolUse) blocks.push({ type: 'tool_use', id: `toolu_${id}`, name: reply.toolUse.name, input: reply.toolUse.input });
    return blocks;
  }

  private json(res: http.ServerResponse, id: string, model: string, reply: ScriptedReply): void {
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${id}` });
    res.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: this.content(reply, id),
        stop_reason: reply.toolUse ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      }),
    );
  }

  private async stream(res: http.ServerResponse, id: string, model: string, reply: ScriptedReply): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${id}` });
    const delay = reply.eventDelayMs ?? 0;
    const send = async (event: Record<string, unknown>) => {
      if (res.destroyed) return;
      res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
      if (delay) await sleep(delay);
    };
    await send({
      type: 'message_start',
      message: {
        id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
    let index = 0;
    if (reply.text !== undefined) {
      await send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      const words = reply.text.match(/\S+\s*/g) ?? [reply.text];
      for (const w of words) await send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: w } });
      for (let i = 0; i < (reply.extraDeltas ?? 0); i++) {
        await send({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: ` more${i}` } });
      }
      await send({ type: 'content_block_stop', index });
      index++;
    }
    if (reply.toolUse) {
      await send({
        type: 'content_block_start', index,
        content_block: { type: 'tool_use', id: `toolu_${id}`, name: reply.toolUse.name, input: {} },
      });
      await send({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(reply.toolUse.input) } });
      await send({ type: 'content_block_stop', index });
    }
    await send({
      type: 'message_delta',
      delta: { stop_reason: reply.toolUse ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: 5 },
    });
    await send({ type: 'message_stop' });
    res.end();
  }
}
