/**
 * Anthropic stream events → Chat Completion chunks, incrementally.
 *
 * Every chunk carries the same `id`/`created`/`model`; the first delta has `role: "assistant"`.
 * text_delta → `content`; tool_use → `tool_calls[index]` (id, type and name in the call's first
 * chunk, then `function.arguments` as each input_json_delta arrives); thinking_delta →
 * `reasoning_content`; when a thinking block closes, a `reasoning_details` delta carries ALL details
 * so far (text + signature): the official SDK accumulator keeps the last value of unknown delta
 * fields, so the cumulative array is what survives in its final message, as in the non-stream
 * response. message_stop → the finish chunk, then (when the client asked
 * `stream_options.include_usage`) a usage chunk with `choices: []`. An `error` event becomes an
 * OpenAI error object and ends the stream; so does an upstream that ends before message_stop.
 */
import type { ConvertOptions, JsonObject, StreamEvent } from '../types.js';
import { AnthropicEventReader, readAnthropicStream } from '../shared/anthropic-events.js';
import type { AnthropicDelta, AnthropicError } from '../shared/anthropic-events.js';
import { view } from '../shared/wire.js';
import type { AnthropicBlock, AnthropicResponse } from '../shared/wire.js';
import { chatId, chatUsage, finishReason, openaiErrorBody } from './mapping.js';
import { reasoningDetail } from './reasoning.js';

interface OpenBlock {
  block: AnthropicBlock;
  toolIndex: number;
  sentArgs: boolean;
}

export function anthropicToChatStream(events: AsyncIterable<StreamEvent>, opts: ConvertOptions): AsyncIterable<StreamEvent> {
  return readAnthropicStream(events, new AnthropicToChatState(opts));
}

class AnthropicToChatState extends AnthropicEventReader {
  private started = false;
  private id = chatId(undefined);
  private model: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly includeUsage: boolean;
  private readonly blocks = new Map<number, OpenBlock>();
  private toolCount = 0;
  private readonly details: JsonObject[] = [];

  constructor(private readonly opts: ConvertOptions) {
    super();
    this.model = opts.model ?? '';
    const streamOptions = view<{ include_usage?: boolean } | undefined>(opts.clientRequest?.stream_options);
    this.includeUsage = streamOptions?.include_usage === true;
  }

  protected *messageStart(message: AnthropicResponse | undefined): Generator<StreamEvent> {
    this.id = chatId(message?.id);
    this.model = this.opts.model ?? message?.model ?? '';
    yield* this.start();
  }

  protected *messageStop(): Generator<StreamEvent> {
    yield* this.start();
    yield this.chunk({}, finishReason(this.stopReason));
    if (this.includeUsage) yield { ...this.header(), choices: [], usage: chatUsage(this.usage) };
  }

  protected *error(error: AnthropicError): Generator<StreamEvent> {
    yield openaiErrorBody(error);
  }

  *endedEarly(): Generator<StreamEvent> {
    yield openaiErrorBody({ type: 'api_error', message: 'upstream stream ended before message_stop' });
  }

  private *start(): Generator<StreamEvent> {
    if (this.started) return;
    this.started = true;
    yield this.chunk({ role: 'assistant', content: '' });
  }

  protected *blockStart(index: number, started: AnthropicBlock | undefined): Generator<StreamEvent> {
    yield* this.start();
    const block = started ?? { type: 'text' };
    const open: OpenBlock = { block: { ...block }, toolIndex: -1, sentArgs: false };
    this.blocks.set(index, open);
    if (block.type === 'text' && block.text) yield this.chunk({ content: block.text });
    else if (block.type === 'thinking' && block.thinking) yield this.chunk({ reasoning_content: block.thinking });
    else if (block.type === 'tool_use') {
      open.toolIndex = this.toolCount++;
      const call = { index: open.toolIndex, id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: '' } };
      yield this.chunk({ tool_calls: [call] });
    } else if (block.type !== 'text' && block.type !== 'thinking' && block.type !== 'redacted_thinking') {
      this.opts.onDrop?.(`content.${block.type}`, 'no Chat counterpart for this content block');
    }
  }

  protected *blockDelta(index: number, delta: AnthropicDelta): Generator<StreamEvent> {
    const open = this.blocks.get(index);
    if (!open) return;
    switch (delta.type) {
      case 'text_delta':
        if (delta.text) yield this.chunk({ content: delta.text });
        return;
      case 'input_json_delta':
        if (open.toolIndex < 0 || !delta.partial_json) return;
        open.sentArgs = true;
        yield this.chunk({ tool_calls: [{ index: open.toolIndex, function: { arguments: delta.partial_json } }] });
        return;
      case 'thinking_delta':
        if (!delta.thinking) return;
        open.block.thinking = (open.block.thinking ?? '') + delta.thinking;
        yield this.chunk({ reasoning_content: delta.thinking });
        return;
      case 'signature_delta':
        open.block.signature = (open.block.signature ?? '') + (delta.signature ?? '');
        return;
      default:
        return; // citations_delta: Chat has no citations
    }
  }

  protected *blockStop(index: number): Generator<StreamEvent> {
    const open = this.blocks.get(index);
    if (!open) return;
    this.blocks.delete(index);
    const { block } = open;
    if (block.type === 'tool_use' && !open.sentArgs) {
      // Some upstreams put the whole input in content_block_start and send no deltas.
      const input = block.input && typeof block.input === 'object' && Object.keys(block.input).length ? block.input : {};
      yield this.chunk({ tool_calls: [{ index: open.toolIndex, function: { arguments: JSON.stringify(input) } }] });
      return;
    }
    const detail = reasoningDetail(block, this.details.length);
    if (detail) {
      this.details.push(detail);
      yield this.chunk({ reasoning_details: [...this.details] });
    }
  }

  private header(): JsonObject {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }

  private chunk(delta: JsonObject, finish: string | null = null): StreamEvent {
    return { ...this.header(), choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
  }
}
