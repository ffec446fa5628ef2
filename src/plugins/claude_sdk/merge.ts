/**
 * SDK messages → ONE client-visible Anthropic message stream.
 *
 * The CLI may call the model several times per request (tool use inside the CLI). Each call
 * streams its own `message_start … message_stop`; the client must see one message, so:
 * - the first `message_start` is forwarded (with our message id), later ones are swallowed;
 * - content blocks are renumbered into one contiguous index space;
 * - the CLI's own `tool_use` blocks are never forwarded as tool calls (the client did not ask for
 *   them and must not run them); per `sdk_message_mode` they appear as text blocks describing the
 *   tool call and its result (see tool-activity.ts), or not at all;
 * - inner `message_delta`/`message_stop` are swallowed; the `result` message ends the stream with
 *   the request's total usage and stop reason.
 * The merger also accumulates the complete message for non-stream responses.
 */
import type { SDKMessage, SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { formatToolActivity, type SdkMessageMode } from './tool-activity.js';

export type AnthropicEvent = Record<string, unknown> & { type: string };
type Block = Record<string, unknown> & { type: string };

const HIDDEN_BLOCKS = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

export interface MergedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** What the API always reports besides the counts (null when the CLI did not pass it on). */
  cache_creation: Record<string, unknown> | null;
  service_tier: string | null;
  inference_geo: string | null;
}

/** The non-count usage fields the API reports, from a CLI usage object (message_start's or the result's). */
function usageDetails(u: Record<string, unknown> | undefined, fallback: MergedUsage): Pick<MergedUsage, 'cache_creation' | 'service_tier' | 'inference_geo'> {
  const cc = u?.cache_creation;
  return {
    cache_creation: cc !== null && typeof cc === 'object' && !Array.isArray(cc) ? (cc as Record<string, unknown>) : fallback.cache_creation,
    service_tier: typeof u?.service_tier === 'string' ? u.service_tier : fallback.service_tier,
    inference_geo: typeof u?.inference_geo === 'string' ? u.inference_geo : fallback.inference_geo,
  };
}

export class TurnMerger {
  /** The complete message so far (content blocks are filled as deltas arrive). */
  readonly message: { id: string; type: 'message'; role: 'assistant'; model: string; content: Block[]; stop_reason: string | null; stop_sequence: null; usage: MergedUsage };
  started = false;
  finished = false;
  cliSessionId?: string;
  result?: SDKResultMessage;
  private indexMap = new Map<number, number>();
  private open = new Set<number>();
  private pending: Block[] = [];
  private toolNames = new Map<string, string>();
  private lastStopReason: string | null = null;

  constructor(
    private readonly mode: SdkMessageMode,
    id: string,
    model: string,
  ) {
    this.message = {
      id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
      usage: {
        input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0,
        cache_creation: null, service_tier: null, inference_geo: null,
      },
    };
  }

  /** Events to send for one SDK message (possibly none). */
  push(msg: SDKMessage): AnthropicEvent[] {
    if ('session_id' in msg && typeof msg.session_id === 'string' && msg.session_id) this.cliSessionId = msg.session_id;
    if (msg.type === 'stream_event') return msg.parent_tool_use_id ? [] : this.onStreamEvent(msg.event as unknown as AnthropicEvent);
    if (msg.type === 'assistant' && !msg.parent_tool_use_id) return this.onBlocks((msg.message.content ?? []) as unknown as Block[], 'assistant');
    if (msg.type === 'user' && !msg.parent_tool_use_id && Array.isArray(msg.message.content)) return this.onBlocks(msg.message.content as unknown as Block[], 'user');
    if (msg.type === 'result') this.result = msg;
    return [];
  }

  /** Closes the message: final usage and stop reason from the `result`. */
  finish(): AnthropicEvent[] {
    if (this.finished) return [];
    const r = this.result;
    if (r?.subtype === 'error_max_turns' && this.mode !== 'ignore') this.pending.push({ type: 'text', text: `\n[stopped: the CLI reached max_turns (${r.num_turns})]\n` });
    const out = [...this.start(), ...this.flushPending()];
    if (r) {
      this.message.usage = {
        input_tokens: r.usage.input_tokens ?? 0,
        output_tokens: r.usage.output_tokens ?? 0,
        cache_creation_input_tokens: r.usage.cache_creation_input_tokens ?? 0,
        cache_read_input_tokens: r.usage.cache_read_input_tokens ?? 0,
        ...usageDetails(r.usage as unknown as Record<string, unknown>, this.message.usage),
      };
    }
    const stop = clientStopReason(r?.stop_reason ?? this.lastStopReason);
    this.message.stop_reason = stop;
    this.finished = true;
    // message_delta carries the counts only, as the API's does.
    const { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens } = this.message.usage;
    out.push({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens } });
    out.push({ type: 'message_stop' });
    return out;
  }

  private start(model?: unknown, usage?: unknown): AnthropicEvent[] {
    if (this.started) return [];
    this.started = true;
    if (typeof model === 'string' && model) this.message.model = model;
    const u = (usage ?? {}) as Partial<MergedUsage>;
    this.message.usage.input_tokens = u.input_tokens ?? 0;
    this.message.usage.cache_creation_input_tokens = u.cache_creation_input_tokens ?? 0;
    this.message.usage.cache_read_input_tokens = u.cache_read_input_tokens ?? 0;
    Object.assign(this.message.usage, usageDetails(u as Record<string, unknown>, this.message.usage));
    return [{ type: 'message_start', message: { ...this.message, content: [], usage: { ...this.message.usage, output_tokens: 1 } } }];
  }

  private onStreamEvent(ev: AnthropicEvent): AnthropicEvent[] {
    switch (ev.type) {
      case 'message_start': {
        this.indexMap = new Map();
        const m = (ev.message ?? {}) as { model?: unknown; usage?: unknown };
        return this.start(m.model, m.usage);
      }
      case 'content_block_start': {
        const block = ev.content_block as Block;
        const inner = Number(ev.index);
        if (HIDDEN_BLOCKS.has(block.type)) {
          this.indexMap.set(inner, -1);
          return [];
        }
        const out = this.start();
        const outer = this.message.content.length;
        this.indexMap.set(inner, outer);
        this.open.add(outer);
        this.message.content.push(structuredClone(block));
        out.push({ ...ev, index: outer });
        return out;
      }
      case 'content_block_delta': {
        const outer = this.indexMap.get(Number(ev.index));
        if (outer === undefined || outer < 0) return [];
        applyDelta(this.message.content[outer], ev.delta as Block);
        return [{ ...ev, index: outer }];
      }
      case 'content_block_stop': {
        const outer = this.indexMap.get(Number(ev.index));
        if (outer === undefined || outer < 0) return [];
        this.open.delete(outer);
        return [{ ...ev, index: outer }, ...this.flushPending()];
      }
      case 'message_delta': {
        const d = ev.delta as { stop_reason?: string | null } | undefined;
        if (d?.stop_reason) this.lastStopReason = d.stop_reason;
        return [];
      }
      default:
        return []; // message_stop, ping: the merged message ends on `result`
    }
  }

  /** Tool calls (assistant) and tool results (user) become formatted text blocks. */
  private onBlocks(blocks: Block[], role: 'assistant' | 'user'): AnthropicEvent[] {
    for (const b of blocks) {
      if (b.type === 'tool_use' && typeof b.id === 'string') this.toolNames.set(b.id, String(b.name));
      const relevant = role === 'assistant' ? HIDDEN_BLOCKS.has(b.type) : b.type === 'tool_result';
      if (!relevant) continue;
      const text = formatToolActivity(this.mode, b, this.toolNames);
      if (text) this.pending.push({ type: 'text', text });
    }
    return this.open.size === 0 ? this.flushPending() : [];
  }

  private flushPending(): AnthropicEvent[] {
    if (this.open.size > 0 || this.pending.length === 0) return [];
    const out = this.start();
    for (const block of this.pending.splice(0)) {
      const index = this.message.content.length;
      this.message.content.push(block);
      out.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      out.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
      out.push({ type: 'content_block_stop', index });
    }
    return out;
  }
}

function applyDelta(block: Block | undefined, delta: Block): void {
  if (!block) return;
  if (delta.type === 'text_delta') block.text = String(block.text ?? '') + String(delta.text ?? '');
  else if (delta.type === 'thinking_delta') block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
  else if (delta.type === 'signature_delta') block.signature = String(delta.signature ?? '');
  else if (delta.type === 'citations_delta') block.citations = [...((block.citations as unknown[]) ?? []), delta.citation];
}

/** The client never sees the CLI's tool calls, so `tool_use` (max turns hit mid-tool) reads as end_turn. */
export function clientStopReason(reason: string | null | undefined): string {
  if (!reason || reason === 'tool_use' || reason === 'pause_turn') return 'end_turn';
  return reason;
}
