/**
 * Anthropic Message → OpenAI Responses response (the reply to a Responses client whose request
 * went to an Anthropic upstream).
 *
 * Each text block becomes its own `message` item (one output_text part), thinking /
 * redacted_thinking become `reasoning` items whose `encrypted_content` wraps the Anthropic
 * signature (shared/reasoning-signature.ts), tool_use becomes `function_call` (`call_id` = tool_use
 * id, item id `fc_<tool_use id>`) or `custom_tool_call` when the client declared that tool as
 * `custom` (`opts.clientRequest`). Stop reasons: max_tokens / context window → `incomplete`
 * (max_output_tokens), refusal → `incomplete` (content_filter), everything else `completed`.
 * Usage: Responses `input_tokens` includes cached tokens, so Anthropic's three input counters add up.
 */
import type { ConvertOptions, JsonObject } from '../convert.js';
import { errorEvent } from '../errors.js';
import { customToolInputFromObject } from '../shared/custom-tool.js';
import { encodeAnthropicReasoning } from '../shared/reasoning-signature.js';
import { view } from './wire.js';
import type { AnthropicBlock, AnthropicResponse, AnthropicUsage, ResponsesItem } from './wire.js';

export function anthropicToResponsesResponse(body: JsonObject, opts: ConvertOptions): JsonObject {
  const msg = view<AnthropicResponse>(body);
  const base = responseId(msg.id);
  if (msg.type === 'error') {
    return { ...baseResponse(base, opts.model ?? msg.model ?? ''), status: 'failed', error: responsesError(msg.error?.type, msg.error?.message) };
  }
  const custom = customToolNames(opts);
  const output: ResponsesItem[] = [];
  for (const block of msg.content ?? []) {
    const item = blockToItem(block, base, output.length, custom, opts);
    if (item) output.push(item);
  }
  return finalResponse(baseResponse(base, opts.model ?? msg.model ?? ''), output, msg.stop_reason ?? null, msg.usage);
}

export function responseId(messageId: string | undefined): string {
  return `resp_${(messageId ?? 'unknown').replace(/^msg_/, '')}`;
}

/** Item ids derived from the response id and output position, identical in stream and non-stream. */
export function itemId(prefix: 'msg' | 'rs', base: string, outputIndex: number): string {
  return `${prefix}_${base.replace(/^resp_/, '')}_${outputIndex}`;
}

export function functionCallId(callId: string): string {
  return `fc_${callId}`;
}

export function customToolNames(opts: ConvertOptions): Set<string> {
  const tools = view<{ type?: string; name?: string }[] | undefined>(opts.clientRequest?.tools) ?? [];
  return new Set(tools.filter((t) => t.type === 'custom' && t.name).map((t) => t.name as string));
}

export function baseResponse(id: string, model: string): JsonObject {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'in_progress',
    model,
    output: [],
    error: null,
    incomplete_details: null,
    instructions: null,
    metadata: {},
    parallel_tool_calls: true,
    temperature: null,
    top_p: null,
    tool_choice: 'auto',
    tools: [],
    usage: null,
  };
}

export function finalResponse(base: JsonObject, output: ResponsesItem[], stop: string | null, usage: AnthropicUsage | undefined): JsonObject {
  const incomplete =
    stop === 'max_tokens' || stop === 'model_context_window_exceeded' ? 'max_output_tokens' : stop === 'refusal' ? 'content_filter' : null;
  return {
    ...base,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: incomplete } : null,
    output,
    usage: responsesUsage(usage),
  };
}

export function blockToItem(block: AnthropicBlock, base: string, outputIndex: number, custom: Set<string>, opts: ConvertOptions): ResponsesItem | null {
  switch (block.type) {
    case 'text':
      return {
        type: 'message',
        id: itemId('msg', base, outputIndex),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: block.text ?? '', annotations: [] }],
      };
    case 'thinking':
    case 'redacted_thinking': {
      const encrypted = encodeAnthropicReasoning(
        block.type === 'thinking' ? { kind: 'thinking', signature: block.signature ?? '' } : { kind: 'redacted', data: block.data ?? '' },
      );
      const text = block.thinking ?? '';
      return { type: 'reasoning', id: itemId('rs', base, outputIndex), summary: text ? [{ type: 'summary_text', text }] : [], encrypted_content: encrypted };
    }
    case 'tool_use': {
      const callId = block.id ?? '';
      if (custom.has(block.name ?? '')) {
        return { type: 'custom_tool_call', id: `ctc_${callId}`, status: 'completed', call_id: callId, name: block.name ?? '', input: customToolInputFromObject(block.input) };
      }
      return { type: 'function_call', id: functionCallId(callId), status: 'completed', call_id: callId, name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) };
    }
    default:
      opts.onDrop?.(`content.${block.type}`, 'no Responses output item for this content block');
      return null;
  }
}

export function responsesUsage(usage: AnthropicUsage | undefined): JsonObject {
  const cached = usage?.cache_read_input_tokens ?? 0;
  const input = (usage?.input_tokens ?? 0) + cached + (usage?.cache_creation_input_tokens ?? 0);
  const output = usage?.output_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.output_tokens_details?.thinking_tokens ?? 0 },
    total_tokens: input + output,
  };
}

/** Responses `error` object (`code`, `message`) for an Anthropic error type, via the shared catalogue. */
export function responsesError(type: string | undefined, message: string | undefined): JsonObject {
  const event = errorEvent('responses', { type: type ?? 'api_error', message: message ?? 'upstream error' });
  return { code: event.code, message: event.message };
}
