/**
 * Token usage between Anthropic and the two OpenAI APIs.
 *
 * Anthropic's `input_tokens` excludes cache reads and writes; OpenAI's input count (Chat
 * `prompt_tokens`, Responses `input_tokens`) includes them, with cache reads as `cached_tokens`
 * and (Responses only) cache writes as `cache_write_tokens`; Chat counts writes in the input total
 * alone. Both OpenAI APIs express the same numbers, so each direction only renames them.
 */
import type { JsonObject } from '../types.js';
import type { AnthropicUsage } from './wire.js';

/** The four numbers both OpenAI usage objects carry. */
export interface OpenAITokens {
  /** Input including cached tokens. */
  input: number;
  cached: number;
  /** Input tokens written to the cache (part of `input`). */
  cacheWrite: number;
  output: number;
  /** Reasoning tokens, when the upstream reported them. */
  reasoning: number | null;
}

/** Anthropic usage → OpenAI counts (input = uncached + cache reads + cache writes). */
export function openaiTokens(usage: AnthropicUsage | undefined): OpenAITokens {
  const cached = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  return {
    input: (usage?.input_tokens ?? 0) + cached + cacheWrite,
    cached,
    cacheWrite,
    output: usage?.output_tokens ?? 0,
    reasoning: usage?.output_tokens_details?.thinking_tokens ?? null,
  };
}

/**
 * OpenAI counts → Anthropic usage (`input_tokens` without the cached parts), with every field the
 * API always reports: what an OpenAI upstream cannot say (cache TTLs, service tier, inference
 * region) is null. `thinking_tokens` is only added when `withReasoning` says the direction reports it.
 */
export function anthropicUsageOf(tokens: OpenAITokens, withReasoning: boolean): JsonObject {
  const usage: JsonObject = {
    input_tokens: Math.max(tokens.input - tokens.cached - tokens.cacheWrite, 0),
    output_tokens: tokens.output,
    cache_creation_input_tokens: tokens.cacheWrite,
    cache_read_input_tokens: tokens.cached,
    cache_creation: null,
    service_tier: null,
    inference_geo: null,
  };
  if (withReasoning && tokens.reasoning !== null) usage.output_tokens_details = { thinking_tokens: tokens.reasoning };
  return usage;
}

/** Stream usage so far + a later event's usage: fields the update leaves null or out keep their value. */
export function mergeUsage(base: AnthropicUsage, update: AnthropicUsage | null | undefined): AnthropicUsage {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(update ?? {})) if (value !== null && value !== undefined) merged[key] = value;
  return merged as AnthropicUsage;
}
