/**
 * Types the formats layer shares with the core and plugins. A leaf: it imports nothing, so any
 * module may import it without closing an import cycle.
 */

/** The three client-facing APIs. */
export type ApiFormat = 'anthropic' | 'chat' | 'responses';

/**
 * Tokens one request used, the same way on every API and provider. The four counts are disjoint:
 * total input = uncachedInputTokens + cacheReadTokens + cacheWriteTokens.
 */
export interface Usage {
  /** Input tokens neither read from nor written to the prompt cache. */
  uncachedInputTokens: number;
  /** Input tokens read from the prompt cache. */
  cacheReadTokens: number;
  /** Input tokens written to the prompt cache. */
  cacheWriteTokens: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  /** The part of `outputTokens` spent on reasoning (0 when the API does not say). */
  reasoningTokens: number;
}
