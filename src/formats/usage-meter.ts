/**
 * Accumulates one answer's usage as it passes: a complete response body, its parsed stream
 * events, or its raw SSE bytes (a byte-faithful passthrough). Where each API reports it:
 *  - Anthropic: `message_start.message.usage`, then `message_delta.usage` (cumulative counts; a
 *    field it leaves null or out keeps the earlier value);
 *  - Chat: the chunk carrying `usage` (the final one when `stream_options.include_usage` is set);
 *  - Responses: `response.usage` on the terminal event (`response.completed`, or `.incomplete`).
 */
import { StringDecoder } from 'node:string_decoder';
import type { ApiFormat, Usage } from './types.js';
import { usageOf } from './usage.js';

type Fields = Record<string, unknown>;
const fields = (v: unknown): Fields | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : undefined);

export class UsageMeter {
  /** The usage object as reported so far, in the API's own shape (Anthropic's merged over events). */
  private raw: Fields | undefined;
  private partial = '';
  private decoder?: StringDecoder;

  /** `model`: the model to report; when not given, the one the answer names. */
  constructor(
    readonly api: ApiFormat,
    public model?: string,
  ) {}

  /** What the answer reported, in one shape; undefined when it reported nothing (yet). */
  get usage(): Usage | undefined {
    return this.raw ? usageOf(this.api, this.raw) : undefined;
  }

  /** A complete (non-stream) response body of the meter's API. */
  response(body: unknown): void {
    const b = fields(body);
    this.learnModel(b?.model);
    const u = fields(b?.usage);
    if (u) this.raw = u;
  }

  /** One parsed stream event of the meter's API. */
  event(e: Fields): void {
    if (this.api === 'anthropic') {
      if (e.type === 'message_start') {
        const message = fields(e.message);
        this.learnModel(message?.model);
        this.merge(fields(message?.usage));
      } else if (e.type === 'message_delta') {
        this.merge(fields(e.usage));
      }
    } else if (this.api === 'chat') {
      const u = fields(e.usage);
      if (u) {
        this.learnModel(e.model);
        this.raw = u;
      }
    } else {
      const response = fields(e.response);
      const u = fields(response?.usage);
      if (u) {
        this.learnModel(response?.model);
        this.raw = u;
      }
    }
  }

  /** Raw SSE bytes as they pass, unchanged: only `data:` lines that mention usage are parsed. */
  sse(chunk: Uint8Array | string): void {
    // A streaming decoder: a chunk may end inside a multi-byte character.
    const text = this.partial + (typeof chunk === 'string' ? chunk : (this.decoder ??= new StringDecoder('utf8')).write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data:') || !line.includes('"usage"')) continue;
      try {
        const e = fields(JSON.parse(line.slice(5)));
        if (e) this.event(e);
      } catch {
        /* not ours to judge: the bytes still pass through */
      }
    }
  }

  /** The same events, metered on the way. */
  async *tap<E extends Fields>(events: AsyncIterable<E>): AsyncGenerator<E> {
    for await (const e of events) {
      this.event(e);
      yield e;
    }
  }

  private merge(update: Fields | undefined): void {
    if (!update) return;
    const merged: Fields = { ...this.raw };
    for (const [k, v] of Object.entries(update)) if (v !== null && v !== undefined) merged[k] = v;
    this.raw = merged;
  }

  private learnModel(model: unknown): void {
    if (this.model === undefined && typeof model === 'string' && model) this.model = model;
  }
}
