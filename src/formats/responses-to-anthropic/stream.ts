/**
 * Responses stream events → Anthropic stream events, incrementally.
 *
 * Emits exactly the Anthropic grammar: one `message_start` (on `response.created`), then blocks
 * opened and closed one at a time with increasing indexes, `message_delta` (stop_reason, usage)
 * and `message_stop`. Mapping:
 *  - `content_part.added` output_text/refusal → text block; `output_text.delta`/`refusal.delta` → text_delta
 *  - reasoning item → thinking block from `output_item.added`; summary (and raw reasoning_text)
 *    deltas → thinking_delta (parts separated by a blank line); on `output_item.done` a
 *    signature_delta carrying item id + encrypted_content, then the block stops
 *  - function_call → tool_use block, `function_call_arguments.delta` → input_json_delta as it arrives
 *  - custom_tool_call → tool_use whose JSON input `{"input": "…"}` is produced piecewise from
 *    `custom_tool_call_input.delta` (each delta JSON-escaped)
 *  - `response.completed`/`incomplete` → message_delta + message_stop (if nothing was streamed,
 *    the terminal event's `output` is replayed as blocks first);
 *    `response.failed`/`error` (or a stream that just ends) → one `error` event, then nothing.
 */
import type { ResponsesItem, ResponsesResponse } from '../anthropic-to-responses/wire.js';
import type { ConvertOptions, JsonObject, StreamEvent } from '../types.js';
import { errorEvent } from '../errors.js';
import { AnthropicBlocks, messageStart, toolUseBlock } from '../shared/anthropic-message.js';
import { CUSTOM_TOOL_INPUT_KEY } from '../shared/custom-tool.js';
import { view } from '../shared/wire.js';
import { anthropicErrorFor, anthropicUsage, itemToBlocks, messageId, stopReason, thinkingSignature, thinkingText } from './response.js';

type OpenBlock =
  | { kind: 'text'; outputIndex: number; contentIndex: number; wrote?: boolean }
  | { kind: 'thinking'; outputIndex: number; parts: number; lastPart: number }
  | { kind: 'tool'; outputIndex: number; custom: boolean; sentArgs: boolean };

interface ResponsesEvent {
  type: string;
  response?: ResponsesResponse;
  item?: ResponsesItem;
  output_index?: number;
  content_index?: number;
  summary_index?: number;
  part?: { type?: string; text?: string; refusal?: string };
  delta?: string;
  arguments?: string;
  input?: string;
  code?: string | null;
  message?: string;
}

export async function* responsesToAnthropicStream(
  events: AsyncIterable<StreamEvent>,
  opts: ConvertOptions,
): AsyncIterable<StreamEvent> {
  const state = new ResponsesToAnthropicState(opts);
  for await (const raw of events) {
    yield* state.next(view<ResponsesEvent>(raw));
    if (state.finished) return;
  }
  if (!state.finished) yield* state.fail(errorEvent('anthropic', { kind: 'api_error', message: 'upstream stream ended before the response completed' }));
}

class ResponsesToAnthropicState {
  finished = false;
  private started = false;
  private readonly blocks = new AnthropicBlocks<OpenBlock>();
  private sawToolUse = false;
  private refused = false;

  constructor(private readonly opts: ConvertOptions) {}

  *next(ev: ResponsesEvent): Generator<StreamEvent> {
    switch (ev.type) {
      case 'response.created':
        yield* this.start(ev.response);
        return;
      case 'response.output_item.added':
        yield* this.start(undefined);
        yield* this.itemAdded(ev.item ?? {}, ev.output_index ?? 0);
        return;
      case 'response.content_part.added':
        if (ev.part?.type === 'output_text' || ev.part?.type === 'refusal') {
          if (ev.part.type === 'refusal') this.refused = true;
          yield* this.blocks.start({ kind: 'text', outputIndex: ev.output_index ?? 0, contentIndex: ev.content_index ?? 0 }, { type: 'text', text: '' });
        }
        return;
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        if (!ev.delta) return;
        const at = { outputIndex: ev.output_index ?? 0, contentIndex: ev.content_index ?? 0 };
        // Tolerate upstreams that skip content_part.added: open the text block on the first delta.
        let open = this.blocks.open;
        if (open?.kind !== 'text' || open.outputIndex !== at.outputIndex || open.contentIndex !== at.contentIndex) {
          if (ev.type === 'response.refusal.delta') this.refused = true;
          open = { kind: 'text', ...at };
          yield* this.blocks.start(open, { type: 'text', text: '' });
        }
        open.wrote = true;
        yield this.blocks.delta({ type: 'text_delta', text: ev.delta });
        return;
      }
      case 'response.content_part.done':
        if (this.blocks.open?.kind === 'text' && this.blocks.open.contentIndex === ev.content_index) {
          // An upstream that sends the text only in the done part still gets it through.
          const whole = ev.part?.type === 'refusal' ? ev.part.refusal : ev.part?.text;
          if (!this.blocks.open.wrote && whole) yield this.blocks.delta({ type: 'text_delta', text: whole });
          yield* this.blocks.stop();
        }
        return;
      case 'response.reasoning_summary_part.added':
        if (this.blocks.open?.kind === 'thinking') this.blocks.open.parts += 1;
        return;
      case 'response.reasoning_summary_text.delta':
        yield* this.thinkingDelta(ev.delta ?? '');
        return;
      case 'response.reasoning_text.delta':
        // Raw reasoning (open-weight models) only when no summary is coming, as in the non-stream path.
        if (this.blocks.open?.kind === 'thinking' && this.blocks.open.parts === 0) yield* this.thinkingDelta(ev.delta ?? '');
        return;
      case 'response.function_call_arguments.delta':
        if (this.blocks.open?.kind === 'tool' && ev.delta) {
          this.blocks.open.sentArgs = true;
          yield this.blocks.delta({ type: 'input_json_delta', partial_json: ev.delta });
        }
        return;
      case 'response.function_call_arguments.done':
        if (this.blocks.open?.kind === 'tool' && !this.blocks.open.sentArgs && ev.arguments) {
          this.blocks.open.sentArgs = true;
          yield this.blocks.delta({ type: 'input_json_delta', partial_json: ev.arguments });
        }
        return;
      case 'response.custom_tool_call_input.delta':
        if (this.blocks.open?.kind === 'tool' && ev.delta) yield this.blocks.delta({ type: 'input_json_delta', partial_json: jsonEscape(ev.delta) });
        return;
      case 'response.output_item.done':
        yield* this.itemDone(ev.item ?? {}, ev.output_index ?? 0);
        return;
      case 'response.completed':
      case 'response.incomplete':
        yield* this.finish(ev.response ?? {});
        return;
      case 'response.failed':
      case 'error':
        yield* this.fail(anthropicErrorFor(view<JsonObject>(ev)));
        return;
      default:
        return; // in_progress, output_text.done, annotations, web search progress…: nothing to say
    }
  }

  *fail(event: StreamEvent): Generator<StreamEvent> {
    this.finished = true;
    yield event;
  }

  private *start(response: ResponsesResponse | undefined): Generator<StreamEvent> {
    if (this.started) return;
    this.started = true;
    yield messageStart(messageId(response?.id), this.opts.model ?? response?.model ?? '', anthropicUsage(undefined));
  }

  private *itemAdded(item: ResponsesItem, outputIndex: number): Generator<StreamEvent> {
    if (item.type === 'reasoning') {
      yield* this.blocks.start({ kind: 'thinking', outputIndex, parts: 0, lastPart: -1 }, { type: 'thinking', thinking: '', signature: '' });
    } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      this.sawToolUse = true;
      const custom = item.type === 'custom_tool_call';
      yield* this.blocks.start(
        { kind: 'tool', outputIndex, custom, sentArgs: false },
        toolUseBlock(item.call_id ?? '', item.name ?? '', {}),
      );
      if (custom) yield this.blocks.delta({ type: 'input_json_delta', partial_json: `{"${CUSTOM_TOOL_INPUT_KEY}":"` });
    } else if (item.type !== 'message') {
      this.opts.onDrop?.(`output.${item.type ?? 'unknown'}`, 'no Anthropic content block for this output item');
    }
  }

  private *itemDone(item: ResponsesItem, outputIndex: number): Generator<StreamEvent> {
    const open = this.blocks.open;
    if (!open || open.outputIndex !== outputIndex) return;
    if (open.kind === 'thinking') {
      const whole = thinkingText(item);
      if (open.lastPart < 0 && whole) yield this.blocks.delta({ type: 'thinking_delta', thinking: whole });
      yield this.blocks.delta({ type: 'signature_delta', signature: thinkingSignature(item) });
    } else if (open.kind === 'tool') {
      if (open.custom) yield this.blocks.delta({ type: 'input_json_delta', partial_json: '"}' });
      else if (!open.sentArgs && item.arguments) yield this.blocks.delta({ type: 'input_json_delta', partial_json: item.arguments });
    }
    yield* this.blocks.stop();
  }

  private *thinkingDelta(text: string): Generator<StreamEvent> {
    const open = this.blocks.open;
    if (open?.kind !== 'thinking' || !text) return;
    // Each further summary part starts after a blank line, matching the non-stream join.
    const part = Math.max(open.parts - 1, 0);
    const sep = open.lastPart >= 0 && open.lastPart !== part ? '\n\n' : '';
    open.lastPart = part;
    yield this.blocks.delta({ type: 'thinking_delta', thinking: sep + text });
  }

  private *replayOutput(response: ResponsesResponse): Generator<StreamEvent> {
    for (const item of response.output ?? []) {
      for (const block of itemToBlocks(item, this.opts)) {
        if (block.type === 'tool_use') this.sawToolUse = true;
        const { start, deltas } = blockDeltas(block);
        yield* this.blocks.start({ kind: 'text', outputIndex: -1, contentIndex: -1 }, start);
        for (const delta of deltas) yield this.blocks.delta(delta);
        yield* this.blocks.stop();
      }
      if (item.type === 'message' && Array.isArray(item.content) && item.content.some((p) => p.type === 'refusal')) this.refused = true;
    }
  }

  private *finish(response: ResponsesResponse): Generator<StreamEvent> {
    yield* this.start(response);
    yield* this.blocks.stop();
    if (this.blocks.index < 0) yield* this.replayOutput(response);
    this.finished = true;
    const reason = stopReason(response.status, response.incomplete_details?.reason, this.sawToolUse, this.refused);
    yield { type: 'message_delta', delta: { stop_reason: reason, stop_sequence: null }, usage: anthropicUsage(response.usage) };
    yield { type: 'message_stop' };
  }
}

/** Whole blocks as deltas, for upstreams that put the output only in the terminal event. */
function blockDeltas(block: StreamEvent): { start: StreamEvent; deltas: StreamEvent[] } {
  switch (block.type) {
    case 'text':
      return { start: { type: 'text', text: '' }, deltas: [{ type: 'text_delta', text: block.text }] };
    case 'thinking':
      return {
        start: { type: 'thinking', thinking: '', signature: '' },
        deltas: [...(block.thinking ? [{ type: 'thinking_delta', thinking: block.thinking }] : []), { type: 'signature_delta', signature: block.signature }],
      };
    case 'tool_use':
      return { start: { ...block, input: {} }, deltas: [{ type: 'input_json_delta', partial_json: JSON.stringify(block.input) }] };
    default:
      return { start: block, deltas: [] };
  }
}

function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
