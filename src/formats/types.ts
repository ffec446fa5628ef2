/**
 * Types the formats layer shares with the core and plugins. A leaf: it imports nothing, so any
 * module may import it without closing an import cycle.
 */

/** The three client-facing APIs. */
export type ApiFormat = 'anthropic' | 'chat' | 'responses';

/** A JSON object as the converters read and build them. */
export type JsonObject = Record<string, unknown>;
/** One parsed stream event of a format (Anthropic event data, a Chat chunk, a Responses event). */
export type StreamEvent = JsonObject;

export interface ConvertOptions {
  /** Called for every field dropped because the target has no counterpart (log at debug). */
  onDrop?: (field: string, reason: string) => void;
  /** Model name to put in the converted request/response (routing/model_map already applied). */
  model?: string;
  /**
   * The client's original request body, for response/stream converters that must restore
   * client-only shapes (e.g. Responses `custom` tools answered by an Anthropic upstream).
   */
  clientRequest?: JsonObject;
}

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
