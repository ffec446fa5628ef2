/**
 * Narrow views of the Anthropic shapes all four Anthropic ⇄ Chat/Responses directions read and
 * write, and {@link view} to read JSON as one of them. The counterpart formats' views live with
 * their directions (`anthropic-to-chat/wire.ts`, `anthropic-to-responses/wire.ts`).
 *
 * Why not the zod-inferred types of `src/formats/models/`: those are discriminated unions with the
 * wire's required fields (right for validation), while a converter reads any block's `text` or
 * `signature` and must tolerate what is missing. Bodies are validated (loosely) by the models
 * before they reach a converter; these interfaces only name the fields the converters touch,
 * everything optional where the wire allows it to be missing.
 */
import type { JsonObject } from '../types.js';

export interface AnthropicSource {
  type: 'base64' | 'url' | 'text' | 'file' | string;
  media_type?: string;
  data?: string;
  url?: string;
  file_id?: string;
}

export interface AnthropicBlock {
  type: string;
  text?: string;
  source?: AnthropicSource;
  title?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | AnthropicBlock[];
  is_error?: boolean;
  thinking?: string;
  signature?: string;
  data?: string;
  cache_control?: unknown;
}

export interface AnthropicMessage {
  role: 'user' | 'assistant' | 'system';
  content: string | AnthropicBlock[];
}

export interface AnthropicTool {
  type?: string | null;
  name: string;
  description?: string;
  input_schema?: JsonObject;
  strict?: boolean;
  cache_control?: unknown;
  defer_loading?: boolean;
}

export interface AnthropicToolChoice {
  type: 'auto' | 'any' | 'tool' | 'none';
  name?: string;
  disable_parallel_tool_use?: boolean;
}

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

export interface AnthropicResponse {
  id?: string;
  type?: string;
  model?: string;
  content?: AnthropicBlock[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
}

/** Any Anthropic stream event (`message_start`, `content_block_*`, `message_delta`, `error`, …). */
export interface AnthropicStreamEvent {
  type: string;
  index?: number;
  message?: AnthropicResponse;
  content_block?: AnthropicBlock;
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string; signature?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
}

/** Reads a JSON value as one of the views (the models validated it already). */
export function view<T>(value: unknown): T {
  return value as T;
}
