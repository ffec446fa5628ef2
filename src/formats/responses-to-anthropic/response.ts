/**
 * OpenAI Responses response → Anthropic Message (the reply to an Anthropic client whose request
 * went to a Responses upstream).
 *
 * Output items map in order: `message` parts → text blocks (a `refusal` part becomes text and
 * stop_reason `refusal`), `function_call` → tool_use (id = `call_id`), `custom_tool_call` →
 * tool_use with `{input: <raw string>}`, `reasoning` → thinking (summary parts joined with a blank
 * line; signature encodes item id + encrypted_content, or restores the Anthropic signature /
 * redacted_thinking the item wraps). A `failed` response becomes an Anthropic
 * error body. Anthropic `input_tokens` excludes cache reads, so cached tokens are subtracted.
 */
import type { ResponsesItem, ResponsesResponse, ResponsesUsage } from '../anthropic-to-responses/wire.js';
import type { ConvertOptions, JsonObject } from '../types.js';
import { errorEvent, readErrorEvent } from '../errors.js';
import { anthropicMessage, toolUseBlock } from '../shared/anthropic-message.js';
import { CUSTOM_TOOL_INPUT_KEY } from '../shared/custom-tool.js';
import { convertId } from '../shared/ids.js';
import { toolInput } from '../shared/openai-tools.js';
import { decodeAnthropicReasoning, encodeResponsesReasoning } from '../shared/reasoning-signature.js';
import { anthropicStopReason } from '../shared/stop-reason.js';
import { anthropicUsageOf } from '../shared/usage.js';
import { view } from '../shared/wire.js';

export function responsesToAnthropicResponse(body: JsonObject, opts: ConvertOptions): JsonObject {
  const res = view<ResponsesResponse>(body);
  if (res.status === 'failed') return anthropicErrorFor({ type: 'response.failed', response: body });
  const content: JsonObject[] = [];
  let refused = false;
  for (const item of res.output ?? []) {
    const blocks = itemToBlocks(item, opts);
    if (item.type === 'message' && Array.isArray(item.content) && item.content.some((p) => p.type === 'refusal')) refused = true;
    content.push(...blocks);
  }
  const hasToolUse = content.some((b) => b.type === 'tool_use');
  return anthropicMessage({
    id: messageId(res.id),
    model: opts.model ?? res.model ?? '',
    content,
    stopReason: stopReason(res.status, res.incomplete_details?.reason, hasToolUse, refused),
    usage: anthropicUsage(res.usage),
  });
}

export function messageId(responseId: string | undefined): string {
  return convertId(responseId, 'responses', 'anthropic');
}

/** function_call arguments → tool_use input (an object; anything else kept as `{"raw": ...}`). */
export function parseArguments(args: string | undefined, opts: ConvertOptions): unknown {
  return toolInput(args, opts, 'function_call.arguments');
}

export function thinkingText(item: ResponsesItem): string {
  const summary = (item.summary ?? []).map((s) => s.text);
  if (summary.length) return summary.join('\n\n');
  const content = Array.isArray(item.content) ? item.content : [];
  return content.filter((p) => p.type === 'reasoning_text').map((p) => p.text ?? '').join('\n\n');
}

/**
 * The thinking signature for a reasoning item: the original Anthropic signature when the item
 * itself wraps one (the Responses side was an Anthropic upstream behind another converter), else
 * the item id + encrypted_content.
 */
export function thinkingSignature(item: ResponsesItem): string {
  const own = decodeAnthropicReasoning(item.encrypted_content ?? '');
  if (own?.kind === 'thinking') return own.signature;
  return encodeResponsesReasoning({ id: item.id ?? '', encryptedContent: item.encrypted_content ?? null });
}

export function itemToBlocks(item: ResponsesItem, opts: ConvertOptions): JsonObject[] {
  switch (item.type) {
    case 'message': {
      const parts = Array.isArray(item.content) ? item.content : [{ type: 'output_text', text: item.content ?? '' }];
      return parts.map((p) => ({ type: 'text', text: p.type === 'refusal' ? (p.refusal ?? '') : (p.text ?? '') }));
    }
    case 'function_call':
      return [toolUseBlock(item.call_id ?? '', item.name ?? '', parseArguments(item.arguments, opts))];
    case 'custom_tool_call':
      return [toolUseBlock(item.call_id ?? '', item.name ?? '', { [CUSTOM_TOOL_INPUT_KEY]: item.input ?? '' })];
    case 'reasoning': {
      const own = decodeAnthropicReasoning(item.encrypted_content ?? '');
      if (own?.kind === 'redacted') return [{ type: 'redacted_thinking', data: own.data }];
      return [{ type: 'thinking', thinking: thinkingText(item), signature: thinkingSignature(item) }];
    }
    default:
      opts.onDrop?.(`output.${item.type ?? 'unknown'}`, 'no Anthropic content block for this output item');
      return [];
  }
}

/** Responses status + incomplete reason → Anthropic stop_reason (see shared/stop-reason.ts). */
export function stopReason(status: string | undefined, incomplete: string | undefined, hasToolUse: boolean, refused: boolean): string {
  const kind = status === 'incomplete' ? (incomplete === 'content_filter' ? 'filter' : 'length') : null;
  return anthropicStopReason(kind, hasToolUse, refused);
}

/** Responses usage → Anthropic usage (`input_tokens` without the cached part; reasoning → thinking_tokens). */
export function anthropicUsage(usage: ResponsesUsage | null | undefined): JsonObject {
  const reasoning = usage?.output_tokens_details?.reasoning_tokens;
  const tokens = {
    input: usage?.input_tokens ?? 0,
    cached: usage?.input_tokens_details?.cached_tokens ?? 0,
    cacheWrite: usage?.input_tokens_details?.cache_write_tokens ?? 0,
    output: usage?.output_tokens ?? 0,
    reasoning: typeof reasoning === 'number' ? reasoning : null,
  };
  return anthropicUsageOf(tokens, true);
}

/** The Anthropic error body (also the stream `error` event) for a Responses `error` / `response.failed` event. */
export function anthropicErrorFor(event: JsonObject): JsonObject {
  const info = readErrorEvent('responses', event);
  return errorEvent('anthropic', { kind: info?.kind ?? 'api_error', message: info?.message ?? 'upstream error' });
}
