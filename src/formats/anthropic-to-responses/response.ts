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
import type { ConvertOptions, JsonObject } from '../types.js';
import { errorEvent } from '../errors.js';
import { customToolInputFromObject } from '../shared/custom-tool.js';
import { convertId } from '../shared/ids.js';
import { encodeAnthropicReasoning } from '../shared/reasoning-signature.js';
import { responseShell } from '../shared/responses-shell.js';
import { stopKind } from '../shared/stop-reason.js';
import { openaiTokens } from '../shared/usage.js';
import { view } from '../shared/wire.js';
import type { AnthropicBlock, AnthropicResponse, AnthropicUsage } from '../shared/wire.js';
import type { ResponsesContentPart, ResponsesItem } from './wire.js';

export function anthropicToResponsesResponse(body: JsonObject, opts: ConvertOptions): JsonObject {
  const msg = view<AnthropicResponse>(body);
  const base = responseId(msg.id);
  if (msg.type === 'error') {
    return { ...baseResponse(base, opts.model ?? msg.model ?? '', opts), status: 'failed', error: responsesError(msg.error?.type, msg.error?.message) };
  }
  const custom = customToolNames(opts);
  const output: ResponsesItem[] = [];
  for (const block of msg.content ?? []) {
    const item = blockToItem(block, base, output.length, custom, opts);
    if (item) output.push(item);
  }
  return finalResponse(baseResponse(base, opts.model ?? msg.model ?? '', opts), output, msg.stop_reason ?? null, msg.usage);
}

export function responseId(messageId: string | undefined): string {
  return convertId(messageId, 'anthropic', 'responses');
}

/** Item ids derived from the response id and output position, identical in stream and non-stream. */
export function itemId(prefix: 'msg' | 'rs', base: string, outputIndex: number): string {
  return `${prefix}_${base.replace(/^resp_/, '')}_${outputIndex}`;
}

export function functionCallId(callId: string): string {
  return `fc_${callId}`;
}

export function customToolNames(opts: ConvertOptions): Set<string> {
  // The client's own request: any shape may arrive here (e.g. `tools: ""`), never throw on it.
  const raw = opts.clientRequest?.tools;
  const tools = Array.isArray(raw) ? view<Array<{ type?: string; name?: string } | null>>(raw) : [];
  return new Set(tools.filter((t) => t?.type === 'custom' && t.name).map((t) => t!.name as string));
}

/** The response object before its output: the shared shell (the client's settings echoed), created now. */
export function baseResponse(id: string, model: string, opts: ConvertOptions): JsonObject {
  return responseShell(id, Math.floor(Date.now() / 1000), model, opts);
}

export function finalResponse(base: JsonObject, output: ResponsesItem[], stop: string | null, usage: AnthropicUsage | undefined): JsonObject {
  const kind = stopKind(stop);
  const incomplete = kind === 'length' ? 'max_output_tokens' : kind === 'filter' ? 'content_filter' : null;
  return {
    ...base,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: incomplete } : null,
    output,
    usage: responsesUsage(usage),
  };
}

/** An `output_text` content part (no annotations or logprobs: an Anthropic upstream reports none). */
export function outputTextPart(text: string): ResponsesContentPart {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function blockToItem(block: AnthropicBlock, base: string, outputIndex: number, custom: Set<string>, opts: ConvertOptions): ResponsesItem | null {
  switch (block.type) {
    case 'text':
      return {
        type: 'message',
        id: itemId('msg', base, outputIndex),
        status: 'completed',
        role: 'assistant',
        content: [outputTextPart(block.text ?? '')],
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

/** Anthropic usage → Responses usage (counts as in shared/usage.ts). */
export function responsesUsage(usage: AnthropicUsage | undefined): JsonObject {
  const t = openaiTokens(usage);
  return {
    input_tokens: t.input,
    input_tokens_details: { cached_tokens: t.cached, cache_write_tokens: t.cacheWrite },
    output_tokens: t.output,
    output_tokens_details: { reasoning_tokens: t.reasoning ?? 0 },
    total_tokens: t.input + t.output,
  };
}

/** Responses `error` object (`code`, `message`) for an Anthropic error type, via the shared catalogue. */
export function responsesError(type: string | undefined, message: string | undefined): JsonObject {
  const event = errorEvent('responses', { type: type ?? 'api_error', message: message ?? 'upstream error' });
  return { code: event.code, message: event.message };
}
