/**
 * Value mappings shared by both Anthropic ⇄ Chat directions: stop/finish reasons, usage, ids and
 * error bodies (delegated to errors.ts). Kept as small pure functions so request, response and stream converters agree.
 */
import type { JsonObject } from '../convert.js';
import { errorEvent } from '../errors.js';
import type { AnthropicUsage, ChatUsage, OpenAIErrorDetail } from './wire.js';

const FINISH_FROM_STOP: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

/** Anthropic stop_reason → Chat finish_reason. */
export function finishReason(stopReason: string | null | undefined): string {
  return FINISH_FROM_STOP[stopReason ?? ''] ?? 'stop';
}

/**
 * Chat finish_reason → Anthropic stop_reason. What was actually produced wins over the label:
 * upstreams report `stop` after tool calls, or `tool_calls` without any; a missing reason is inferred.
 */
export function stopReason(finish: string | null | undefined, sawToolUse: boolean, refused: boolean): string {
  if (finish === 'length') return 'max_tokens';
  if (finish === 'content_filter' || refused) return 'refusal';
  return sawToolUse ? 'tool_use' : 'end_turn';
}

/**
 * Anthropic usage → Chat usage. Anthropic's `input_tokens` excludes cache reads and writes while
 * Chat's `prompt_tokens` includes them, so they are added; cache reads become `cached_tokens`.
 * Cache writes have no Chat field and are only counted in `prompt_tokens`.
 */
export function chatUsage(usage: AnthropicUsage | undefined): JsonObject {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + cacheRead + (usage?.cache_creation_input_tokens ?? 0);
  const completion = usage?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
    completion_tokens_details: { reasoning_tokens: usage?.output_tokens_details?.thinking_tokens ?? 0 },
  };
}

/** Chat usage → Anthropic usage (`input_tokens` without the cached part). */
export function anthropicUsage(usage: ChatUsage | null | undefined): JsonObject {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max((usage?.prompt_tokens ?? 0) - cached, 0),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

/** `msg_abc` → `chatcmpl-abc`, and back, so ids round-trip. */
export function chatId(messageId: string | undefined): string {
  return `chatcmpl-${(messageId ?? 'unknown').replace(/^msg_/, '')}`;
}

export function messageId(chatCompletionId: string | undefined): string {
  return `msg_${(chatCompletionId ?? 'unknown').replace(/^chatcmpl-/, '')}`;
}

/** Anthropic error detail → OpenAI error body (also what a Chat stream sends mid-stream). */
export function openaiErrorBody(error: { type?: string; message?: string } | undefined): JsonObject {
  return errorEvent('chat', { type: error?.type ?? 'api_error', message: error?.message ?? 'upstream error' });
}

/** OpenAI error detail → Anthropic error body (also the data of a mid-stream `error` event). */
export function anthropicErrorBody(error: OpenAIErrorDetail | undefined): JsonObject {
  const code = error?.code === undefined || error.code === null ? null : String(error.code);
  return errorEvent('anthropic', { type: error?.type ?? 'api_error', code, message: error?.message ?? 'upstream error' });
}
