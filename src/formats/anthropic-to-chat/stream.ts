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
import type { ConvertOptions, JsonObject, StreamEvent } from '../convert.js';
import { chatId, chatUsage, finishReason, openaiErrorBody } from './mapping.js';
import { reasoningDetail } from './reasoning.js';
import { view } from '../shared/wire.js';
import type { AnthropicBlock, AnthropicStreamEvent, AnthropicUsage } from '../shared/wire.js';


interface OpenBlock {
  block: AnthropicBlock;
  toolIndex: number;
  sentArgs: boolean;
}

export async function* anthropicToChatStream(events: AsyncIterable<StreamEvent>, opts: ConvertOptions): AsyncIterable<StreamEvent> {
  const state = new AnthropicToChatState(opts);
  for await (const raw of events) {
    yield* state.next(view<AnthropicStreamEvent>(raw));
    if (state.finished) return;
  }
  if (!state.finished) yield openaiErrorBody({ type: 'api_error', message: 'upstream stream ended before message_stop' });
}

class AnthropicToChatState {
  finished = false;
  private started = false;
  private id = chatId(undefined);
  private model: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly includeUsage: boolean;
  private readonly blocks = new Map<number, OpenBlock>();
  private toolCount = 0;
  private readonly details: JsonObject[] = [];
  private usage: AnthropicUsage = {};
  private stopReason: string | null = null;

  constructor(private readonly opts: ConvertOptions) {
    this.model = opts.model ?? '';
    const streamOptions = view<{ include_usage?: boolean } | undefined>(opts.clientRequest?.stream_options);
    this.includeUsage = streamOptions?.include_usage === true;
  }

  *next(ev: AnthropicStreamEvent): Generator<StreamEvent> {
    switch (ev.type) {
      case 'message_start':
        this.id = chatId(ev.message?.id);
        this.model = this.opts.model ?? ev.message?.model ?? '';
        this.usage = { ...ev.message?.usage };
        yield* this.start();
        return;
      case 'content_block_start':
        yield* this.start();
        yield* this.blockStart(ev.index ?? 0, ev.content_block ?? { type: 'text' });
        return;
      case 'content_block_delta':
        yield* this.blockDelta(ev.index ?? 0, ev.delta ?? {});
        return;
      case 'content_block_stop':
        yield* this.blockStop(ev.index ?? 0);
        return;
      case 'message_delta':
        if (ev.delta?.stop_reason) this.stopReason = ev.delta.stop_reason;
        if (ev.usage) this.usage = { ...this.usage, ...definedOnly(ev.usage) };
        return;
      case 'message_stop':
        yield* this.start();
        this.finished = true;
        yield this.chunk({}, finishReason(this.stopReason));
        if (this.includeUsage) yield { ...this.header(), choices: [], usage: chatUsage(this.usage) };
        return;
      case 'error':
        this.finished = true;
        yield openaiErrorBody(ev.error);
        return;
      default:
        return; // ping and future events carry nothing for Chat
    }
  }

  private *start(): Generator<StreamEvent> {
    if (this.started) return;
    this.started = true;
    yield this.chunk({ role: 'assistant', content: '' });
  }

  private *blockStart(index: number, block: AnthropicBlock): Generator<StreamEvent> {
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

  private *blockDelta(index: number, delta: NonNullable<AnthropicStreamEvent['delta']>): Generator<StreamEvent> {
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

  private *blockStop(index: number): Generator<StreamEvent> {
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

function definedOnly(usage: AnthropicUsage): AnthropicUsage {
  return Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== null && v !== undefined)) as AnthropicUsage;
}
