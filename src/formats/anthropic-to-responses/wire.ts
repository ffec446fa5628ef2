/**
 * Narrow views of the Anthropic and Responses shapes these two directions read and write.
 * Inputs are validated (passthrough) by the models in `src/formats/models/` before they reach a
 * converter; these interfaces only name the fields the converters touch, everything optional
 * where the wire allows it to be missing.
 */
import type { JsonObject } from '../convert.js';

// ---- Anthropic -------------------------------------------------------------------------------

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
  type?: string;
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
  output_tokens_details?: { thinking_tokens?: number } | null;
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

// ---- Responses -------------------------------------------------------------------------------

export interface ResponsesContentPart {
  type: string;
  text?: string;
  refusal?: string;
  image_url?: string | null;
  file_id?: string | null;
  file_data?: string;
  file_url?: string;
  filename?: string;
  detail?: string;
  annotations?: unknown[];
}

export interface ResponsesItem {
  type?: string;
  id?: string;
  role?: 'user' | 'assistant' | 'system' | 'developer';
  content?: string | ResponsesContentPart[];
  status?: string;
  call_id?: string;
  name?: string;
  arguments?: string;
  input?: string;
  output?: string | ResponsesContentPart[];
  summary?: { type: string; text: string }[];
  encrypted_content?: string | null;
}

export interface ResponsesTool {
  type: string;
  name?: string;
  description?: string;
  parameters?: JsonObject | null;
  strict?: boolean | null;
  format?: { type?: string; syntax?: string; definition?: string };
}

export interface ResponsesUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

export interface ResponsesResponse {
  id?: string;
  object?: string;
  created_at?: number;
  model?: string;
  status?: string;
  output?: ResponsesItem[];
  usage?: ResponsesUsage | null;
  incomplete_details?: { reason?: string } | null;
  error?: { code?: string | null; message?: string } | null;
}

/** Reads a JSON object as one of the views above (the models validated it already). */
export function view<T>(value: unknown): T {
  return value as T;
}
