/**
 * Each API's usage object → one `Usage` (types.ts). Field names as in the official specs:
 *  - Anthropic Messages `usage`: `input_tokens` excludes the cache; `cache_read_input_tokens` and
 *    `cache_creation_input_tokens` are separate; no reasoning count.
 *  - Chat Completions `usage`: `prompt_tokens` includes `prompt_tokens_details.cached_tokens` and
 *    `.cache_write_tokens`; `completion_tokens` includes `completion_tokens_details.reasoning_tokens`.
 *  - Responses `usage`: `input_tokens` includes `input_tokens_details.cached_tokens` and
 *    `.cache_write_tokens`; `output_tokens` includes `output_tokens_details.reasoning_tokens`.
 * A usage object without a single token count gives undefined (nothing was reported).
 */
import type { Usage } from './types.js';

export type { Usage } from './types.js';

type Api = 'anthropic' | 'chat' | 'responses';
type Fields = Record<string, unknown>;

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const fields = (v: unknown): Fields | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : undefined);

/** Anthropic Messages `usage` (a message's, or a stream's merged `message_start` + `message_delta`). */
export function anthropicUsage(raw: unknown): Usage | undefined {
  const u = fields(raw);
  const input = count(u?.input_tokens);
  const output = count(u?.output_tokens);
  const read = count(u?.cache_read_input_tokens);
  const write = count(u?.cache_creation_input_tokens);
  if (input === undefined && output === undefined && read === undefined && write === undefined) return undefined;
  return { uncachedInputTokens: input ?? 0, cacheReadTokens: read ?? 0, cacheWriteTokens: write ?? 0, outputTokens: output ?? 0, reasoningTokens: 0 };
}

/** OpenAI's shape on both APIs: an input total with cache details, an output total with reasoning details. */
function openaiUsage(input: unknown, inputDetails: unknown, output: unknown, outputDetails: unknown): Usage | undefined {
  const total = count(input);
  const out = count(output);
  if (total === undefined && out === undefined) return undefined;
  const read = count(fields(inputDetails)?.cached_tokens) ?? 0;
  const write = count(fields(inputDetails)?.cache_write_tokens) ?? 0;
  return {
    uncachedInputTokens: Math.max((total ?? 0) - read - write, 0),
    cacheReadTokens: read,
    cacheWriteTokens: write,
    outputTokens: out ?? 0,
    reasoningTokens: count(fields(outputDetails)?.reasoning_tokens) ?? 0,
  };
}

/** Chat Completions `usage` (a completion's, or a stream's final usage chunk). */
export function chatUsage(raw: unknown): Usage | undefined {
  const u = fields(raw);
  return openaiUsage(u?.prompt_tokens, u?.prompt_tokens_details, u?.completion_tokens, u?.completion_tokens_details);
}

/** Responses `usage` (a response's, or the one on a stream's `response.completed`). */
export function responsesUsage(raw: unknown): Usage | undefined {
  const u = fields(raw);
  return openaiUsage(u?.input_tokens, u?.input_tokens_details, u?.output_tokens, u?.output_tokens_details);
}

/** The usage object of `api`, read. */
export function usageOf(api: Api, raw: unknown): Usage | undefined {
  return api === 'anthropic' ? anthropicUsage(raw) : api === 'chat' ? chatUsage(raw) : responsesUsage(raw);
}
