/**
 * Narrow views of the Anthropic and Chat Completions shapes the Anthropic ⇄ Chat converters read
 * and write (both folders import them). Bodies are validated (loosely) by the zod models in
 * `src/formats/models/` before they reach a converter; these interfaces only name the fields the
 * converters touch, everything optional where the wire allows it to be missing.
 */
import type { JsonObject } from '../convert.js';

// ---- Anthropic -------------------------------------------------------------------------------

export interface AnthropicSource {
  type: string;
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

// ---- Chat Completions ------------------------------------------------------------------------

export interface ChatPart {
  type: string;
  text?: string;
  refusal?: string;
  image_url?: { url: string; detail?: string };
  file?: { file_data?: string; file_id?: string; filename?: string };
}

export interface ChatToolCall {
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/** OpenRouter-style reasoning detail: the one Chat convention that carries Anthropic signatures. */
export interface ReasoningDetail {
  type: 'reasoning.text' | 'reasoning.encrypted' | string;
  text?: string;
  signature?: string | null;
  data?: string;
  format?: string;
  index?: number;
}

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content?: string | ChatPart[] | null;
  refusal?: string | null;
  tool_calls?: ChatToolCall[] | null;
  tool_call_id?: string;
  name?: string;
  reasoning_content?: string | null;
  /** Ollama/OpenRouter/newer vLLM spelling of `reasoning_content`. */
  reasoning?: string | null;
  reasoning_details?: ReasoningDetail[] | null;
}

export interface ChatTool {
  type: string;
  function?: { name: string; description?: string; parameters?: JsonObject; strict?: boolean | null };
}

export interface ChatUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface ChatResponse {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: { index?: number; message?: ChatMessage; finish_reason?: string | null }[];
  usage?: ChatUsage | null;
  error?: OpenAIErrorDetail;
}

export interface ChatToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

export interface ChatChunk {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: {
    index?: number;
    delta?: {
      role?: string | null;
      content?: string | null;
      refusal?: string | null;
      tool_calls?: ChatToolCallDelta[] | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      reasoning_details?: ReasoningDetail[] | null;
    } | null;
    finish_reason?: string | null;
  }[];
  usage?: ChatUsage | null;
  error?: OpenAIErrorDetail;
}

export interface OpenAIErrorDetail {
  message?: string;
  type?: string | null;
  code?: string | number | null;
  param?: string | null;
}

/** Reads a JSON value as one of the views above (the models validated it already). */
export function view<T>(value: unknown): T {
  return value as T;
}
