/**
 * Writing Anthropic replies from an OpenAI upstream (chat-to-anthropic, responses-to-anthropic):
 * the message envelope, `message_start`, and the content-block grammar of the stream — blocks
 * opened and closed one at a time with increasing indexes, deltas for the open block only.
 */
import type { JsonObject, StreamEvent } from '../types.js';

export interface MessageFields {
  id: string;
  model: string;
  content: JsonObject[];
  stopReason: string | null;
  usage: JsonObject;
}

/** A complete Anthropic Message (`stop_sequence` is null: OpenAI does not say which one matched). */
export function anthropicMessage(f: MessageFields): JsonObject {
  return { id: f.id, type: 'message', role: 'assistant', model: f.model, content: f.content, stop_reason: f.stopReason, stop_sequence: null, usage: f.usage };
}

/** A `tool_use` block as the API writes it: `caller` says the model itself made the call. */
export function toolUseBlock(id: string, name: string, input: unknown): JsonObject {
  return { type: 'tool_use', id, name, input, caller: { type: 'direct' } };
}

/** The stream's one `message_start`: an empty message; stop reason and final usage follow in `message_delta`. */
export function messageStart(id: string, model: string, usage: JsonObject): StreamEvent {
  return { type: 'message_start', message: anthropicMessage({ id, model, content: [], stopReason: null, usage }) };
}

/**
 * The content blocks of one Anthropic stream. `T` is the caller's own record of the open block;
 * `beforeStop` may emit last deltas for it (e.g. a thinking block's `signature_delta`).
 */
export class AnthropicBlocks<T> {
  /** Index of the open (or last) block; -1 before the first. */
  index = -1;
  open: T | null = null;

  constructor(private readonly beforeStop?: (open: T) => Iterable<StreamEvent>) {}

  /** Closes the open block, then starts the next one. */
  *start(block: T, contentBlock: StreamEvent): Generator<StreamEvent> {
    yield* this.stop();
    this.index += 1;
    this.open = block;
    yield { type: 'content_block_start', index: this.index, content_block: contentBlock };
  }

  /** Closes the open block, if any. */
  *stop(): Generator<StreamEvent> {
    const open = this.open;
    if (open === null) return;
    this.open = null;
    if (this.beforeStop) yield* this.beforeStop(open);
    yield { type: 'content_block_stop', index: this.index };
  }

  delta(delta: StreamEvent): StreamEvent {
    return { type: 'content_block_delta', index: this.index, delta };
  }
}
