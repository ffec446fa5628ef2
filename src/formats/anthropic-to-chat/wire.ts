/**
 * Narrow views of the Chat Completions shapes the Anthropic ⇄ Chat converters read and write (both
 * folders import them); the Anthropic side and `view` are in `shared/wire.ts`, shared with the
 * Responses directions. Everything optional where the wire allows it to be missing.
 */
import type { JsonObject } from '../types.js';

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
