/**
 * Value mappings shared by both Chat ⇄ Responses directions (finish reasons ⇄ status, usage, ids),
 * so request, response and stream converters of both directions agree.
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import type { ChatUsage } from '../models/chat.js';
import type { ResponsesUsage } from '../models/responses.js';

/** Chat usage → Responses usage (both count cached tokens inside the input total; Chat reports no cache writes). */
export function responsesUsage(usage: ChatUsage | null | undefined): JsonObject | null {
  if (!usage) return null;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}

/** Responses usage → Chat usage. */
export function chatUsage(usage: ResponsesUsage | null | undefined): JsonObject | null {
  if (!usage) return null;
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: usage.input_tokens_details?.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0 },
  };
}

export interface ResponsesOutcome {
  status: 'completed' | 'incomplete';
  incomplete_details: { reason: string } | null;
}

/** Chat finish_reason → Responses status (`length` and `content_filter` end a response incomplete). */
export function responsesOutcome(finish: string | null | undefined): ResponsesOutcome {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** Responses status → Chat finish_reason; tool calls that were produced win over `completed`. */
export function chatFinishReason(status: string | undefined, reason: string | null | undefined, sawToolCall: boolean): string {
  if (status === 'incomplete') return reason === 'content_filter' ? 'content_filter' : 'length';
  return sawToolCall ? 'tool_calls' : 'stop';
}

/** Responses ids carry type prefixes (`resp_`, `msg_`, `fc_`); Chat ids use `chatcmpl-`. */
export function responseIdFromChat(chatId: string): string {
  return chatId.startsWith('resp_') ? chatId : `resp_${chatId.replace(/^chatcmpl-/, '')}`;
}

export function chatIdFromResponse(responseId: string): string {
  return responseId.startsWith('chatcmpl-') ? responseId : `chatcmpl-${responseId.replace(/^resp_/, '')}`;
}

/** Text of a content value that may be a string or a list of parts with `text`. */
export function joinText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content as { text?: unknown }[]) if (typeof part?.text === 'string') out += part.text;
  return out;
}

/**
 * Names of the Responses client's `custom` tools: a Chat upstream answers them as function calls
 * with `{"input": …}` arguments, which go back to the client as custom_tool_call items.
 */
export function customToolNames(opts: ConvertOptions): Set<string> {
  const tools = opts.clientRequest?.tools;
  if (!Array.isArray(tools)) return new Set();
  return new Set((tools as { type?: string; name?: string }[]).filter((t) => t.type === 'custom' && t.name).map((t) => t.name as string));
}
