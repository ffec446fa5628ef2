/**
 * Chat Completion chunks → Anthropic stream events, incrementally.
 *
 * Emits exactly the Anthropic grammar: one `message_start` (input tokens 0: Chat reports usage
 * only at the end), blocks opened and closed one at a time with increasing indexes, then
 * `message_delta` (stop_reason, full usage) and `message_stop` once the upstream stream ends (the
 * usage chunk comes after the finish chunk). Mapping: `reasoning_content`/`reasoning` → thinking
 * block, closed with the Anthropic signature from a `reasoning_details` delta when the upstream
 * sends one (OpenRouter, or this proxy's own Anthropic → Chat stream), else with the Chat-reasoning
 * signature (see reasoning.ts); `reasoning.encrypted` details → redacted_thinking blocks;
 * `content`/`refusal` → text block; each tool call → its own tool_use block, arguments →
 * input_json_delta as they arrive.
 *
 * Upstream quirks tolerated: tool-call deltas without `index` (a new `id` starts a new call, else
 * the current call continues), missing ids (one is made up), whole arguments in one chunk, no
 * usage chunk, no finish_reason (inferred), `tool_calls` finish without calls. An error object
 * mid-stream, or a stream that yields nothing, becomes one Anthropic `error` event.
 */
import { anthropicErrorBody, anthropicUsage, messageId, stopReason } from '../anthropic-to-chat/mapping.js';
import { thinkingFromDetail } from '../anthropic-to-chat/reasoning.js';
import type { ChatChunk, ChatToolCallDelta, ChatUsage, ReasoningDetail } from '../anthropic-to-chat/wire.js';
import type { ConvertOptions, StreamEvent } from '../types.js';
import { AnthropicBlocks, messageStart, toolUseBlock } from '../shared/anthropic-message.js';
import { CHAT_REASONING_SIGNATURE } from '../shared/reasoning-signature.js';
import { view } from '../shared/wire.js';

type OpenBlock = { kind: 'text' } | { kind: 'thinking' } | { kind: 'redacted' } | { kind: 'tool'; chatIndex: number; id: string };

export async function* chatToAnthropicStream(events: AsyncIterable<StreamEvent>, opts: ConvertOptions): AsyncIterable<StreamEvent> {
  const state = new ChatToAnthropicState(opts);
  for await (const raw of events) {
    yield* state.next(view<ChatChunk>(raw));
    if (state.finished) return;
  }
  yield* state.end();
}

class ChatToAnthropicState {
  finished = false;
  private started = false;
  private id = messageId(undefined);
  private readonly blocks = new AnthropicBlocks<OpenBlock>((open) => this.beforeStop(open));
  private readonly closedTools = new Set<number>();
  private nextToolIndex = 0;
  private finish: string | null = null;
  private usage: ChatUsage | null = null;
  private sawToolUse = false;
  private refused = false;
  /** reasoning_details entries already handled (the array may be sent cumulatively). */
  private detailsSeen = 0;
  /** Anthropic signature for the open thinking block, from `reasoning_details`. */
  private signature: string | null = null;

  constructor(private readonly opts: ConvertOptions) {}

  *next(chunk: ChatChunk): Generator<StreamEvent> {
    if (chunk.error) {
      this.finished = true;
      yield anthropicErrorBody(chunk.error);
      return;
    }
    yield* this.start(chunk);
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return;
    const delta = choice.delta ?? {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning) yield* this.textLike('thinking', { type: 'thinking_delta', thinking: reasoning });
    if (delta.reasoning_details?.length) yield* this.reasoningDetails(delta.reasoning_details);
    if (delta.content) yield* this.textLike('text', { type: 'text_delta', text: delta.content });
    if (delta.refusal) {
      this.refused = true;
      yield* this.textLike('text', { type: 'text_delta', text: delta.refusal });
    }
    for (const call of delta.tool_calls ?? []) yield* this.toolCall(call);
    if (choice.finish_reason) this.finish = choice.finish_reason;
  }

  /** The upstream stream ended: close everything with message_delta + message_stop. */
  *end(): Generator<StreamEvent> {
    if (this.finished) return;
    this.finished = true;
    if (!this.started) {
      yield anthropicErrorBody({ type: 'server_error', message: 'upstream stream ended without any chunk' });
      return;
    }
    yield* this.blocks.stop();
    yield {
      type: 'message_delta',
      delta: { stop_reason: stopReason(this.finish, this.sawToolUse, this.refused), stop_sequence: null },
      usage: anthropicUsage(this.usage),
    };
    yield { type: 'message_stop' };
  }

  private *start(chunk: ChatChunk): Generator<StreamEvent> {
    if (this.started) return;
    this.started = true;
    this.id = messageId(chunk.id);
    yield messageStart(this.id, this.opts.model ?? chunk.model ?? '', { ...anthropicUsage(chunk.usage), output_tokens: 0 });
  }

  private *textLike(kind: 'text' | 'thinking', delta: StreamEvent): Generator<StreamEvent> {
    if (this.blocks.open?.kind !== kind) {
      yield* this.blocks.start({ kind }, kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' });
    }
    yield this.blocks.delta(delta);
  }

  /**
   * Signed reasoning (OpenRouter-style `reasoning_details`, or this proxy's own Anthropic → Chat
   * stream): a signature completes the open thinking block; redacted thinking is a block of its own.
   */
  private *reasoningDetails(details: ReasoningDetail[]): Generator<StreamEvent> {
    for (const detail of details) {
      const position = detail.index ?? this.detailsSeen;
      if (position < this.detailsSeen) continue;
      this.detailsSeen = position + 1;
      const block = thinkingFromDetail(detail);
      if (block?.type === 'thinking') {
        if (this.blocks.open?.kind !== 'thinking') {
          yield* this.blocks.start({ kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' });
          if (block.thinking) yield this.blocks.delta({ type: 'thinking_delta', thinking: block.thinking });
        }
        this.signature = String(block.signature);
        yield* this.blocks.stop();
      } else if (block?.type === 'redacted_thinking') {
        yield* this.blocks.start({ kind: 'redacted' }, block);
        yield* this.blocks.stop();
      }
    }
  }

  private *toolCall(call: ChatToolCallDelta): Generator<StreamEvent> {
    const current = this.blocks.open?.kind === 'tool' ? this.blocks.open : null;
    let chatIndex = call.index;
    if (chatIndex === undefined || chatIndex === null) {
      chatIndex = call.id && call.id !== current?.id ? this.nextToolIndex : (current?.chatIndex ?? this.nextToolIndex);
    }
    if (current?.chatIndex !== chatIndex) {
      if (this.closedTools.has(chatIndex)) {
        this.opts.onDrop?.('tool_calls.function.arguments', `late arguments for tool call ${chatIndex} after another call began`);
        return;
      }
      const id = call.id || `toolu_${this.id.replace(/^msg_/, '')}_${chatIndex}`;
      this.sawToolUse = true;
      this.nextToolIndex = Math.max(this.nextToolIndex, chatIndex + 1);
      yield* this.blocks.start({ kind: 'tool', chatIndex, id }, toolUseBlock(id, call.function?.name ?? '', {}));
    }
    const args = call.function?.arguments;
    if (args) yield this.blocks.delta({ type: 'input_json_delta', partial_json: args });
  }

  /** A thinking block closes with its signature: Anthropic's from reasoning_details, else the Chat-reasoning marker. */
  private beforeStop(open: OpenBlock): StreamEvent[] {
    const signature = this.signature ?? CHAT_REASONING_SIGNATURE;
    this.signature = null;
    if (open.kind === 'tool') this.closedTools.add(open.chatIndex);
    return open.kind === 'thinking' ? [this.blocks.delta({ type: 'signature_delta', signature })] : [];
  }
}
