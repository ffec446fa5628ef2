/**
 * Chat Completions chunks → the complete `chat.completion`, as the OpenAI SDK's
 * ChatCompletionStream assembles it: content/refusal/reasoning_content joined per choice
 * (`reasoning_details` entries appended),
 * `tool_calls` merged by `index` (id, type and name from the first delta, arguments
 * concatenated), the last non-null `finish_reason`, and the usage chunk's usage. An error object
 * in the stream throws an UpstreamError.
 */
import type { JsonObject, StreamEvent } from '../types.js';
import { streamErrorFrom, truncatedStream } from './stream-error.js';

interface ToolCallDelta {
  index: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

interface ChunkChoice {
  index: number;
  delta?: {
    role?: string | null;
    content?: string | null;
    refusal?: string | null;
    reasoning_content?: string | null;
    reasoning?: string | null;
    /** OpenRouter-style reasoning entries (signatures, encrypted state): appended in order. */
    reasoning_details?: unknown[] | null;
    tool_calls?: ToolCallDelta[] | null;
  } | null;
  finish_reason?: string | null;
  logprobs?: unknown;
}

interface ToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}

interface Choice {
  index: number;
  content: string | null;
  refusal: string | null;
  reasoning: string | null;
  details: unknown[];
  toolCalls: ToolCall[];
  finishReason: string | null;
}

const HEADER_KEYS = ['id', 'created', 'model', 'system_fingerprint', 'service_tier'] as const;

export class ChatAccumulator {
  private readonly header: JsonObject = {};
  private readonly choices: Choice[] = [];
  private usage: unknown = undefined;
  private seen = false;

  add(chunk: StreamEvent): void {
    if (chunk.error !== undefined && chunk.choices === undefined) {
      throw streamErrorFrom('chat', chunk) ?? truncatedStream('chat', 'with an error');
    }
    if (!this.seen) {
      for (const key of HEADER_KEYS) if (chunk[key] !== undefined && chunk[key] !== null) this.header[key] = chunk[key];
      this.seen = true;
    }
    // `usage: null` on every chunk until the usage chunk (with include_usage); keep the real one.
    if (chunk.usage !== undefined && (chunk.usage !== null || this.usage === undefined)) this.usage = chunk.usage;
    for (const c of (chunk.choices ?? []) as ChunkChoice[]) this.addChoice(c);
  }

  private addChoice(c: ChunkChoice): void {
    const choice = (this.choices[c.index] ??= {
      index: c.index,
      content: null,
      refusal: null,
      reasoning: null,
      details: [],
      toolCalls: [],
      finishReason: null,
    });
    const delta = c.delta ?? {};
    if (typeof delta.content === 'string') choice.content = (choice.content ?? '') + delta.content;
    if (typeof delta.refusal === 'string') choice.refusal = (choice.refusal ?? '') + delta.refusal;
    // `reasoning` is Ollama's/OpenRouter's name for the same text; joined into reasoning_content.
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string') choice.reasoning = (choice.reasoning ?? '') + reasoning;
    if (Array.isArray(delta.reasoning_details)) choice.details.push(...delta.reasoning_details);
    for (const tc of delta.tool_calls ?? []) {
      const call = (choice.toolCalls[tc.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (tc.id) call.id = tc.id;
      if (tc.type) call.type = tc.type;
      // The name arrives whole on the first delta; some servers repeat it later, so first wins.
      if (tc.function?.name && !call.function.name) call.function.name = tc.function.name;
      if (tc.function?.arguments) call.function.arguments += tc.function.arguments;
    }
    if (c.finish_reason) choice.finishReason = c.finish_reason;
  }

  /** The complete `chat.completion`. Throws if no chunk arrived. */
  result(): JsonObject {
    if (!this.seen) throw truncatedStream('chat', 'without any chunk');
    const choices = this.choices.filter(Boolean).map((choice) => {
      const message: JsonObject = { role: 'assistant', content: choice.content, refusal: choice.refusal };
      if (choice.reasoning !== null) message.reasoning_content = choice.reasoning;
      if (choice.details.length > 0) message.reasoning_details = choice.details;
      const calls = choice.toolCalls.filter(Boolean);
      if (calls.length > 0) message.tool_calls = calls;
      return { index: choice.index, message, finish_reason: choice.finishReason ?? 'stop', logprobs: null };
    });
    const out: JsonObject = { id: this.header.id, object: 'chat.completion', created: this.header.created, model: this.header.model, choices };
    if (this.usage !== undefined) out.usage = this.usage;
    if (this.header.system_fingerprint !== undefined) out.system_fingerprint = this.header.system_fingerprint;
    if (this.header.service_tier !== undefined) out.service_tier = this.header.service_tier;
    return out;
  }
}

export async function accumulateChat(events: AsyncIterable<StreamEvent>): Promise<JsonObject> {
  const acc = new ChatAccumulator();
  for await (const event of events) acc.add(event);
  return acc.result();
}
