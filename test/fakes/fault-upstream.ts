/**
 * A purpose-built misbehaving upstream for reliability tests. It answers both an Anthropic-style
 * `/v1/messages` and a Codex-style `.../responses` (by path) with real SSE event sequences of that
 * API, or with one scripted fault: reset mid-stream, stall mid-stream, headers that never come, an
 * error status, malformed SSE, truncated JSON. It counts open sockets and unfinished requests so
 * tests can assert that nothing leaks, and records every request.
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import { LoopbackFake, readBody } from './loopback.js';
import { responseObject } from './responses-items.js';

export type Fault =
  | { kind: 'ok'; deltas?: number; delayMs?: number }
  | { kind: 'reset'; afterEvents: number }
  | { kind: 'stall'; afterEvents: number }
  | { kind: 'slow-headers' }
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'malformed-sse'; afterEvents: number }
  | { kind: 'truncated-json' }
  /** 200 with exactly this body (e.g. a malformed answer, or SSE text with `text/event-stream`). */
  | { kind: 'raw'; body: string; contentType?: string };

export interface FaultRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const tick = (ms = 0): Promise<void> => new Promise((r) => (ms ? setTimeout(r, ms) : setImmediate(r)));

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Usage as the real Anthropic API reports it. */
const ANTHROPIC_USAGE = {
  input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }, output_tokens: 1, service_tier: 'standard', inference_geo: 'not_available',
};

/** A complete Anthropic Messages stream with `n` text deltas (the real event order). */
export function anthropicStream(n: number, model = 'claude-sonnet-4-6'): string[] {
  const out = [
    sse('message_start', { message: { id: 'msg_fault_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: ANTHROPIC_USAGE } }),
    sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (let i = 0; i < n; i++) out.push(sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `tok${i} ` } }));
  out.push(sse('content_block_stop', { index: 0 }));
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens } = ANTHROPIC_USAGE;
  out.push(sse('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens: n } }));
  out.push(sse('message_stop', {}));
  return out;
}

/** A complete Responses stream with one message item and `n` text deltas. */
export function responsesStream(n: number, model = 'gpt-5.5'): string[] {
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>): string => sse(type, { ...data, sequence_number: seq++ });
  const response = (status: string, output: unknown[], usage?: unknown): Record<string, unknown> =>
    responseObject({}, { id: 'resp_fault_1', createdAt: 1_700_000_000, model, status, output, usage });
  const text = Array.from({ length: n }, (_, i) => `tok${i} `).join('');
  const part = { type: 'output_text', text, annotations: [], logprobs: [] };
  const item = { id: 'msg_fault_1', type: 'message', role: 'assistant', status: 'completed', content: [part] };
  const at = { item_id: item.id, output_index: 0, content_index: 0 };
  const out = [
    ev('response.created', { response: response('in_progress', []) }),
    ev('response.in_progress', { response: response('in_progress', []) }),
    ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
    ev('response.content_part.added', { ...at, part: { ...part, text: '' } }),
  ];
  for (let i = 0; i < n; i++) out.push(ev('response.output_text.delta', { ...at, delta: `tok${i} `, logprobs: [] }));
  out.push(ev('response.output_text.done', { ...at, text, logprobs: [] }));
  out.push(ev('response.content_part.done', { ...at, part }));
  out.push(ev('response.output_item.done', { output_index: 0, item }));
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: n, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 10 + n };
  out.push(ev('response.completed', { response: response('completed', [item], usage) }));
  return out;
}

function anthropicMessage(model: string): string {
  return JSON.stringify({
    id: 'msg_fault_json', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'hello' }],
    stop_reason: 'end_turn', stop_sequence: null, usage: ANTHROPIC_USAGE,
  });
}

export class FaultUpstream extends LoopbackFake {
  /** What the next requests get; a function can vary it per request. */
  fault: Fault | ((req: FaultRequest, index: number) => Fault) = { kind: 'ok' };
  readonly requests: FaultRequest[] = [];
  /** Exact bytes sent on each response, by request index (for byte-compare). */
  readonly sent: string[] = [];
  private readonly sockets = new Set<Socket>();
  private active = 0;
  /** Responses closed before they finished (the proxy went away). */
  closedEarly = 0;
  constructor() {
    super();
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.keepAliveTimeout = 60_000;
    this.server.headersTimeout = 0;
    this.server.requestTimeout = 0;
  }

  /** Sockets currently open from the proxy to us. */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Requests whose response has neither finished nor been closed. */
  get activeRequests(): number {
    return this.active;
  }

  /** A fault that threw mid-answer: the connection just drops, which is what the proxy must survive. */
  protected override handlerFailed(_err: unknown, res: http.ServerResponse): void {
    res.destroy();
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.active++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      this.active--;
    };
    res.on('close', () => {
      if (!res.writableFinished) this.closedEarly++;
      finish();
    });
    const received = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(received.toString('utf8')) as Record<string, unknown>;
    } catch {
      /* recorded as {} */
    }
    const rec: FaultRequest = { url: req.url ?? '', headers: req.headers, body };
    const index = this.requests.push(rec) - 1;
    const fault = typeof this.fault === 'function' ? this.fault(rec, index) : this.fault;
    const responses = rec.url.split('?')[0]!.endsWith('/responses');
    const model = typeof body.model === 'string' ? body.model : 'm';
    const stream = responses || body.stream === true;
    const events = (n: number): string[] => (responses ? responsesStream(n, model) : anthropicStream(n, model));
    const sseHead = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

    switch (fault.kind) {
      case 'ok': {
        if (!stream) {
          const json = anthropicMessage(model);
          this.sent[index] = json;
          res.writeHead(200, { 'content-type': 'application/json' }).end(json);
          return;
        }
        const list = events(fault.deltas ?? 5);
        this.sent[index] = list.join('');
        res.writeHead(200, sseHead);
        for (const e of list) {
          if (res.destroyed) return;
          res.write(e);
          if (fault.delayMs) await tick(fault.delayMs);
        }
        res.end();
        return;
      }
      case 'reset':
      case 'stall':
      case 'malformed-sse': {
        if (!stream) {
          // The non-stream equivalent: a JSON body cut short, then reset, stalled or ended.
          const json = anthropicMessage(model);
          res.writeHead(200, { 'content-type': 'application/json', ...(fault.kind === 'malformed-sse' ? {} : { 'content-length': String(json.length) }) });
          res.write(json.slice(0, 40));
          if (fault.kind === 'reset') {
            await tick(20);
            res.socket?.resetAndDestroy();
          } else if (fault.kind === 'malformed-sse') res.end();
          return;
        }
        res.writeHead(200, sseHead);
        res.write(events(20).slice(0, fault.afterEvents).join(''));
        if (fault.kind === 'reset') {
          await tick(20);
          res.socket?.resetAndDestroy();
        } else if (fault.kind === 'malformed-sse') {
          res.write('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"ty\n\n');
          res.end();
        }
        // stall: nothing more until the proxy gives up and closes the socket.
        return;
      }
      case 'slow-headers':
        // Never answer: the proxy's headers timeout must fire.
        return;
      case 'status':
        res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' });
        res.end(fault.body ?? JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'Internal server error' } }));
        return;
      case 'raw':
        this.sent[index] = fault.body;
        res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json' }).end(fault.body);
        return;
      case 'truncated-json': {
        const json = anthropicMessage(model);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(json.length) });
        res.write(json.slice(0, 40));
        await tick(20);
        res.socket?.destroy();
        return;
      }
    }
  }
}
