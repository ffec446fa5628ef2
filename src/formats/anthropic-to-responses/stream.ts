/**
 * Anthropic stream events → Responses stream events, incrementally.
 *
 * Emits the Responses grammar with increasing `sequence_number`: `response.created`,
 * `response.in_progress`, then per content block one output item (`output_item.added` … `done`,
 * with `output_index` in block order): text → message item with one output_text part
 * (`content_part.added`, `output_text.delta`…`.done`, `content_part.done`); thinking → reasoning
 * item (`reasoning_summary_part.added`, `reasoning_summary_text.delta`…`.done`,
 * `reasoning_summary_part.done`; the signature becomes `encrypted_content`); tool_use →
 * function_call (`function_call_arguments.delta`…`.done`) or, for the client's `custom` tools,
 * custom_tool_call (`custom_tool_call_input.delta`…`.done`, decoded from the JSON as it streams).
 * `message_stop` → `response.completed` (or `response.incomplete` for max_tokens/refusal) carrying
 * the full output; an `error` event or a stream that ends early → `response.failed`.
 * Items and ids are the same as the non-stream converter (./response.ts) produces.
 */
import type { ConvertOptions, JsonObject, StreamEvent } from '../types.js';
import { AnthropicEventReader, readAnthropicStream } from '../shared/anthropic-events.js';
import type { AnthropicDelta, AnthropicError } from '../shared/anthropic-events.js';
import { JsonStringFieldStream } from '../shared/custom-tool.js';
import type { AnthropicBlock, AnthropicResponse } from '../shared/wire.js';
import { baseResponse, blockToItem, customToolNames, finalResponse, outputTextPart, responseId, responsesError } from './response.js';
import type { ResponsesItem } from './wire.js';

interface OpenItem {
  outputIndex: number;
  block: AnthropicBlock;
  item: ResponsesItem;
  text: string;
  custom: JsonStringFieldStream | null;
}

export function anthropicToResponsesStream(events: AsyncIterable<StreamEvent>, opts: ConvertOptions): AsyncIterable<StreamEvent> {
  return readAnthropicStream(events, new AnthropicToResponsesState(opts));
}

class AnthropicToResponsesState extends AnthropicEventReader {
  private seq = 0;
  private base = responseId(undefined);
  private response: JsonObject | null = null;
  private readonly output: ResponsesItem[] = [];
  private readonly open = new Map<number, OpenItem>();
  private readonly custom: Set<string>;

  constructor(private readonly opts: ConvertOptions) {
    super();
    this.custom = customToolNames(opts);
  }

  protected messageStart(message: AnthropicResponse | undefined): Generator<StreamEvent> {
    return this.start(message);
  }

  protected *messageStop(): Generator<StreamEvent> {
    yield* this.start(undefined);
    const response = this.final();
    yield this.emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  }

  protected error(error: AnthropicError): Generator<StreamEvent> {
    return this.fail(error?.type, error?.message ?? 'upstream error');
  }

  endedEarly(): Generator<StreamEvent> {
    return this.fail(undefined, 'upstream stream ended before message_stop');
  }

  private *fail(type: string | undefined, message: string): Generator<StreamEvent> {
    yield* this.start(undefined);
    this.finished = true;
    const response = { ...this.final(), status: 'failed', incomplete_details: null, error: responsesError(type, message) };
    yield this.emit('response.failed', { response });
  }

  private emit(type: string, fields: JsonObject): StreamEvent {
    return { type, sequence_number: this.seq++, ...fields };
  }

  private *start(message: AnthropicResponse | undefined): Generator<StreamEvent> {
    if (this.response) return;
    this.base = responseId(message?.id);
    this.response = baseResponse(this.base, this.opts.model ?? message?.model ?? '', this.opts);
    yield this.emit('response.created', { response: { ...this.response } });
    yield this.emit('response.in_progress', { response: { ...this.response } });
  }

  private final(): JsonObject {
    return finalResponse(this.response ?? baseResponse(this.base, this.opts.model ?? '', this.opts), [...this.output], this.stopReason, this.usage);
  }

  protected *blockStart(index: number, started: AnthropicBlock | undefined): Generator<StreamEvent> {
    yield* this.start(undefined);
    const block = started ?? { type: 'unknown' };
    const outputIndex = this.output.length;
    const done = blockToItem(block, this.base, outputIndex, this.custom, this.opts);
    if (!done) return;
    // Start from the empty in-progress shape; the filled item is emitted at block stop.
    const item: ResponsesItem = { ...done, status: 'in_progress' };
    if (item.type === 'message') item.content = [];
    if (item.type === 'reasoning') item.summary = [];
    if (item.type === 'function_call') item.arguments = '';
    if (item.type === 'custom_tool_call') item.input = '';
    if (item.type === 'reasoning') delete item.status;
    this.output.push(done);
    const open: OpenItem = { outputIndex, block: { ...block }, item: done, text: '', custom: item.type === 'custom_tool_call' ? new JsonStringFieldStream() : null };
    this.open.set(index, open);
    yield this.emit('response.output_item.added', { output_index: outputIndex, item });
    if (item.type === 'message') {
      yield this.emit('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part: outputTextPart('') });
    }
    if (block.type === 'text' && block.text) yield* this.blockDelta(index, { type: 'text_delta', text: block.text });
    if (block.type === 'thinking' && block.thinking) yield* this.blockDelta(index, { type: 'thinking_delta', thinking: block.thinking });
    if (block.type === 'tool_use' && block.input && Object.keys(block.input).length) {
      yield* this.blockDelta(index, { type: 'input_json_delta', partial_json: JSON.stringify(block.input) });
    }
  }

  protected *blockDelta(index: number, delta: AnthropicDelta): Generator<StreamEvent> {
    const open = this.open.get(index);
    if (!open) return;
    const ids = { item_id: open.item.id, output_index: open.outputIndex };
    if (delta.type === 'text_delta' && delta.text) {
      open.text += delta.text;
      yield this.emit('response.output_text.delta', { ...ids, content_index: 0, delta: delta.text, logprobs: [] });
    } else if (delta.type === 'thinking_delta' && delta.thinking) {
      if (!open.text) {
        yield this.emit('response.reasoning_summary_part.added', { ...ids, summary_index: 0, part: { type: 'summary_text', text: '' } });
      }
      open.text += delta.thinking;
      yield this.emit('response.reasoning_summary_text.delta', { ...ids, summary_index: 0, delta: delta.thinking });
    } else if (delta.type === 'signature_delta' && delta.signature !== undefined) {
      open.block.signature = (open.block.signature ?? '') + delta.signature;
    } else if (delta.type === 'input_json_delta' && delta.partial_json) {
      open.text += delta.partial_json;
      if (open.custom) {
        const decoded = open.custom.push(delta.partial_json);
        if (decoded) yield this.emit('response.custom_tool_call_input.delta', { ...ids, delta: decoded });
      } else {
        yield this.emit('response.function_call_arguments.delta', { ...ids, delta: delta.partial_json });
      }
    }
  }

  protected *blockStop(index: number): Generator<StreamEvent> {
    const open = this.open.get(index);
    if (!open) return;
    this.open.delete(index);
    const { block, outputIndex } = open;
    const ids = { item_id: open.item.id, output_index: outputIndex };
    if (block.type === 'text') block.text = open.text;
    if (block.type === 'thinking') block.thinking = open.text;
    if (block.type === 'tool_use') block.input = open.custom ? { input: open.custom.finish() } : parseInput(open.text);
    const item = blockToItem(block, this.base, outputIndex, this.custom, this.opts) as ResponsesItem;
    if (item.type === 'function_call') item.arguments = open.text || '{}';
    this.output[outputIndex] = item;

    if (item.type === 'message') {
      const part = outputTextPart(open.text);
      yield this.emit('response.output_text.done', { ...ids, content_index: 0, text: open.text, logprobs: [] });
      yield this.emit('response.content_part.done', { ...ids, content_index: 0, part });
    } else if (item.type === 'reasoning' && open.text) {
      yield this.emit('response.reasoning_summary_text.done', { ...ids, summary_index: 0, text: open.text });
      yield this.emit('response.reasoning_summary_part.done', { ...ids, summary_index: 0, part: { type: 'summary_text', text: open.text } });
    } else if (item.type === 'function_call') {
      yield this.emit('response.function_call_arguments.done', { ...ids, name: item.name, arguments: item.arguments });
    } else if (item.type === 'custom_tool_call') {
      yield this.emit('response.custom_tool_call_input.done', { ...ids, input: item.input });
    }
    yield this.emit('response.output_item.done', { output_index: outputIndex, item });
  }
}

function parseInput(json: string): unknown {
  try {
    return JSON.parse(json || '{}');
  } catch {
    return {};
  }
}
