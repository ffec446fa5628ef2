/**
 * OpenAI Responses response → OpenAI Chat completion.
 *
 * Output items fold into one assistant message: output_text parts joined into `content`, refusal
 * parts into `refusal`, function_call/custom_tool_call items into `tool_calls` (id = `call_id`, so
 * the client's tool results match the next turn), reasoning summaries into the non-standard
 * `reasoning_content` that compatible clients read, and the full reasoning items (with
 * `encrypted_content`) into `reasoning_details` (see chat-to-responses/reasoning.ts). Hosted-tool items are dropped. Status
 * `incomplete` → finish_reason `length`/`content_filter`; tool calls → `tool_calls`. A `failed`
 * response becomes an UpstreamError (a non-stream Chat client expects an error status).
 */
import { UpstreamError } from '../../core/errors.js';
import type { ConvertOptions, JsonObject } from '../types.js';
import { kindForType } from '../errors.js';
import type { ResponsesItem, ResponsesResponse } from '../models/responses.js';
import { chatFinishReason, chatIdFromResponse, chatUsage, joinText } from '../chat-to-responses/mapping.js';
import { reasoningDetails } from '../chat-to-responses/reasoning.js';
import type { ReasoningDetail } from '../chat-to-responses/reasoning.js';

export interface FoldedOutput {
  content: string | null;
  refusal: string | null;
  reasoning: string | null;
  /** Lossless reasoning (ids, encrypted_content) for clients that echo it back. */
  reasoningDetails: ReasoningDetail[];
  toolCalls: JsonObject[];
}

/** Folds Responses output items into the parts of one Chat assistant message. */
export function foldOutput(items: ResponsesItem[]): FoldedOutput {
  let content: string | null = null;
  let refusal: string | null = null;
  let reasoning: string | null = null;
  const details: ReasoningDetail[] = [];
  const toolCalls: JsonObject[] = [];
  for (const [index, item] of items.entries()) {
    if (item.type === 'message' || item.type === undefined) {
      const parts = (item as { content: unknown }).content;
      for (const part of Array.isArray(parts) ? (parts as { type: string; text?: string; refusal?: string }[]) : []) {
        if (part.type === 'output_text') content = (content ?? '') + (part.text ?? '');
        else if (part.type === 'refusal') refusal = (refusal ?? '') + (part.refusal ?? '');
      }
    } else if (item.type === 'reasoning') {
      const text = joinText((item as { summary?: unknown }).summary) || joinText((item as { content?: unknown }).content);
      if (text) reasoning = (reasoning ?? '') + text;
      details.push(...reasoningDetails(item as JsonObject, index));
    } else if (item.type === 'function_call') {
      const call = item as { call_id: string; name: string; arguments: string };
      toolCalls.push({ id: call.call_id, type: 'function', function: { name: call.name, arguments: call.arguments } });
    } else if (item.type === 'custom_tool_call') {
      const call = item as { call_id: string; name: string; input: string };
      toolCalls.push({ id: call.call_id, type: 'custom', custom: { name: call.name, input: call.input } });
    }
  }
  return { content, refusal, reasoning, reasoningDetails: details, toolCalls };
}

export function responsesToChatResponse(body: JsonObject, opts: ConvertOptions): JsonObject {
  const response = body as ResponsesResponse;
  if (response.status === 'failed') {
    const code = response.error?.code ?? 'server_error';
    const kind = kindForType(code) ?? 'api_error';
    throw new UpstreamError(kind === 'rate_limit' ? 429 : 500, response.error?.message ?? 'Upstream response failed', { kind, upstreamBody: body });
  }
  const folded = foldOutput(response.output);
  const message: JsonObject = { role: 'assistant', content: folded.content, refusal: folded.refusal, annotations: [] };
  if (folded.reasoning) message.reasoning_content = folded.reasoning;
  if (folded.reasoningDetails.length > 0) message.reasoning_details = folded.reasoningDetails;
  if (folded.toolCalls.length > 0) message.tool_calls = folded.toolCalls;
  const finish = chatFinishReason(response.status, response.incomplete_details?.reason, folded.toolCalls.length > 0);
  const out: JsonObject = {
    id: chatIdFromResponse(response.id),
    object: 'chat.completion',
    created: response.created_at,
    model: opts.model ?? response.model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
  };
  const usage = chatUsage(response.usage);
  if (usage) out.usage = usage;
  if (typeof response.service_tier === 'string') out.service_tier = response.service_tier;
  return out;
}
