/**
 * Anthropic stream events → the complete Message, the way the SDK's MessageStream assembles it:
 * text and thinking deltas joined, `input_json_delta` parsed at `content_block_stop`, the
 * signature from `signature_delta`, stop reason and cumulative usage from `message_delta`.
 * An `error` event throws an UpstreamError.
 */
import type { JsonObject, StreamEvent } from '../types.js';
import { cloneJson, streamErrorFrom, truncatedStream, unexpectedEvent } from './stream-error.js';

interface Block extends JsonObject {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  input?: unknown;
  citations?: unknown[] | null;
}

interface Delta {
  type?: string;
  text?: string;
  partial_json?: string;
  thinking?: string;
  signature?: string;
  citation?: unknown;
  stop_reason?: string | null;
  stop_sequence?: string | null;
}

export class AnthropicAccumulator {
  private message?: JsonObject & { content: Block[]; usage: JsonObject };
  private readonly json = new Map<number, string>();
  private stopped = false;

  add(event: StreamEvent): void {
    const index = typeof event.index === 'number' ? event.index : -1;
    const delta = (event.delta ?? {}) as Delta;
    switch (event.type) {
      case 'message_start': {
        const message = cloneJson((event.message ?? {}) as JsonObject);
        this.message = { ...message, content: [], usage: (message.usage as JsonObject | undefined) ?? {} };
        return;
      }
      case 'content_block_start':
        this.started().content[index] = cloneJson(event.content_block as Block);
        if (event.content_block && (event.content_block as Block).type.endsWith('tool_use')) this.json.set(index, '');
        return;
      case 'content_block_delta':
        this.applyDelta(this.block(index), index, delta);
        return;
      case 'content_block_stop': {
        const partial = this.json.get(index);
        if (partial !== undefined) {
          this.block(index).input = partial === '' ? {} : JSON.parse(partial);
          this.json.delete(index);
        }
        return;
      }
      case 'message_delta': {
        const message = this.started();
        if (delta.stop_reason !== undefined) message.stop_reason = delta.stop_reason;
        if (delta.stop_sequence !== undefined) message.stop_sequence = delta.stop_sequence;
        // Usage in message_delta is cumulative: later non-null values win.
        for (const [key, value] of Object.entries((event.usage ?? {}) as JsonObject)) {
          if (value !== null && value !== undefined) message.usage[key] = value;
        }
        return;
      }
      case 'message_stop':
        this.stopped = true;
        return;
      case 'error':
        throw streamErrorFrom('anthropic', event) ?? truncatedStream('anthropic', 'with an error');
      default:
        return; // ping and event types added later carry nothing for the message
    }
  }

  private applyDelta(block: Block, index: number, delta: Delta): void {
    switch (delta.type) {
      case 'text_delta':
        block.text = (block.text ?? '') + (delta.text ?? '');
        return;
      case 'input_json_delta':
        this.json.set(index, (this.json.get(index) ?? '') + (delta.partial_json ?? ''));
        return;
      case 'thinking_delta':
        block.thinking = (block.thinking ?? '') + (delta.thinking ?? '');
        return;
      case 'signature_delta':
        block.signature = delta.signature ?? '';
        return;
      case 'citations_delta':
        block.citations = [...(block.citations ?? []), delta.citation];
        return;
      default:
        return;
    }
  }

  private started(): NonNullable<AnthropicAccumulator['message']> {
    if (!this.message) throw unexpectedEvent('anthropic', 'an event before message_start');
    return this.message;
  }

  private block(index: number): Block {
    const block = this.started().content[index];
    if (!block) throw unexpectedEvent('anthropic', `a delta for unknown content block ${index}`);
    return block;
  }

  /** The complete Message. Throws if the stream never started or stopped before `message_stop`. */
  result(): JsonObject {
    const message = this.started();
    // A stream cut after message_delta lost nothing but the terminator; before it, the answer is partial.
    if (!this.stopped && !message.stop_reason) throw truncatedStream('anthropic', 'before message_stop');
    return { ...message, content: message.content.filter(Boolean) };
  }
}

export async function accumulateAnthropic(events: AsyncIterable<StreamEvent>): Promise<JsonObject> {
  const acc = new AnthropicAccumulator();
  for await (const event of events) acc.add(event);
  return acc.result();
}
