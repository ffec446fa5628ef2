/**
 * Value mappings shared by both Anthropic ⇄ Chat directions: stop/finish reasons, usage, ids and
 * error bodies, in Chat's field names. The logic lives in shared/ (stop-reason, usage, ids) and
 * errors.ts, common with the Responses directions; these only rename.
 */
import type { JsonObject } from '../types.js';
import { errorEvent } from '../errors.js';
import { convertId } from '../shared/ids.js';
import { anthropicStopReason, stopKind } from '../shared/stop-reason.js';
import type { StopKind } from '../shared/stop-reason.js';
import { anthropicUsageOf, openaiTokens } from '../shared/usage.js';
import type { AnthropicUsage } from '../shared/wire.js';
import type { ChatUsage, OpenAIErrorDetail } from './wire.js';

const FINISH_REASON: Record<StopKind, string> = { stop: 'stop', length: 'length', tool: 'tool_calls', filter: 'content_filter' };

/** Anthropic stop_reason → Chat finish_reason. */
export function finishReason(stopReason: string | null | undefined): string {
  return FINISH_REASON[stopKind(stopReason)];
}

/** Chat finish_reason → Anthropic stop_reason (what was produced wins over the label; see shared/stop-reason.ts). */
export function stopReason(finish: string | null | undefined, sawToolUse: boolean, refused: boolean): string {
  return anthropicStopReason(finish === 'length' ? 'length' : finish === 'content_filter' ? 'filter' : null, sawToolUse, refused);
}

/** Anthropic usage → Chat usage (counts as in shared/usage.ts). */
export function chatUsage(usage: AnthropicUsage | undefined): JsonObject {
  const t = openaiTokens(usage);
  return {
    prompt_tokens: t.input,
    completion_tokens: t.output,
    total_tokens: t.input + t.output,
    prompt_tokens_details: { cached_tokens: t.cached },
    completion_tokens_details: { reasoning_tokens: t.reasoning ?? 0 },
  };
}

/** Chat usage → Anthropic usage (`input_tokens` without the cached part). */
export function anthropicUsage(usage: ChatUsage | null | undefined): JsonObject {
  const tokens = { input: usage?.prompt_tokens ?? 0, cached: usage?.prompt_tokens_details?.cached_tokens ?? 0, cacheWrite: 0, output: usage?.completion_tokens ?? 0, reasoning: null };
  return anthropicUsageOf(tokens, false);
}

/** `msg_abc` → `chatcmpl-abc`, and back, so ids round-trip. */
export function chatId(messageId: string | undefined): string {
  return convertId(messageId, 'anthropic', 'chat');
}

export function messageId(chatCompletionId: string | undefined): string {
  return convertId(chatCompletionId, 'chat', 'anthropic');
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
