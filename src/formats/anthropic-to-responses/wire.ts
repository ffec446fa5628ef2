/**
 * Narrow views of the Responses shapes the Anthropic ⇄ Responses converters read and write (both
 * folders import them); the Anthropic side and `view` are in `shared/wire.ts`, shared with the
 * Chat directions. Everything optional where the wire allows it to be missing.
 */
import type { JsonObject } from '../types.js';

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
  logprobs?: unknown[];
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
  input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
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
