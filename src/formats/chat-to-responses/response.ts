/**
 * OpenAI Chat completion → OpenAI Responses response.
 *
 * One choice (the first) becomes the output: `reasoning_content` (non-standard, from compatible
 * upstreams) → a reasoning item with one summary part; content/refusal → one assistant message
 * item; each tool call → a `function_call` item with the same `call_id` — or a `custom_tool_call`
 * when it calls one of the client's custom tools (wrapped as `{"input": …}` functions upstream).
 * finish_reason `length`/`content_filter` → status `incomplete` with the matching reason.
 * Item ids derive from the completion id, the same way the stream converter makes them.
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import type { ChatResponse, ChatToolCall } from '../models/chat.js';
import { customToolInputFromObject } from '../shared/custom-tool.js';
import { responseShell } from '../shared/responses-shell.js';
import { customToolNames, responseIdFromChat, responsesOutcome, responsesUsage } from './mapping.js';

/** Ids for the items of one response, stable between the stream and non-stream converters. */
export function itemIds(responseId: string) {
  const base = responseId.replace(/^resp_/, '');
  return {
    reasoning: `rs_${base}`,
    message: `msg_${base}`,
    call: (callId: string) => `fc_${callId.replace(/^(call_|fc_)/, '')}`,
  };
}

export function messageItem(id: string, text: string | null, refusal: string | null, status: string): JsonObject {
  const content: JsonObject[] = [];
  if (text) content.push({ type: 'output_text', text, annotations: [], logprobs: [] });
  if (refusal) content.push({ type: 'refusal', refusal });
  return { id, type: 'message', status, role: 'assistant', content };
}

export function reasoningItem(id: string, text: string): JsonObject {
  return { id, type: 'reasoning', summary: [{ type: 'summary_text', text }] };
}

export function toolCallItem(call: ChatToolCall, ids: ReturnType<typeof itemIds>, status: string, customNames: Set<string>): JsonObject {
  if (call.type === 'function') {
    const fn = call.function as { name: string; arguments: string };
    if (customNames.has(fn.name)) {
      return { id: ids.call(call.id), type: 'custom_tool_call', status, call_id: call.id, name: fn.name, input: customInput(fn.arguments) };
    }
    return { id: ids.call(call.id), type: 'function_call', status, call_id: call.id, name: fn.name, arguments: fn.arguments };
  }
  const custom = call.custom as { name: string; input: string };
  return { id: ids.call(call.id), type: 'custom_tool_call', status, call_id: call.id, name: custom.name, input: custom.input };
}

/** The raw input of a custom tool from its wrapped `{"input": …}` arguments. */
export function customInput(args: string): string {
  try {
    return customToolInputFromObject(JSON.parse(args || '{}'));
  } catch {
    return args;
  }
}

export function chatToResponsesResponse(body: JsonObject, opts: ConvertOptions): JsonObject {
  const completion = body as ChatResponse;
  const id = responseIdFromChat(completion.id);
  const ids = itemIds(id);
  const choice = completion.choices[0];
  const message = choice?.message;
  const outcome = responsesOutcome(choice?.finish_reason);
  const itemStatus = outcome.status === 'completed' ? 'completed' : 'incomplete';

  const output: JsonObject[] = [];
  const reasoning = message?.reasoning_content ?? message?.reasoning;
  if (typeof reasoning === 'string' && reasoning) output.push(reasoningItem(ids.reasoning, reasoning));
  if (message?.content || message?.refusal) output.push(messageItem(ids.message, message.content, message.refusal ?? null, itemStatus));
  const custom = customToolNames(opts);
  for (const call of message?.tool_calls ?? []) output.push(toolCallItem(call, ids, 'completed', custom));

  return {
    ...responseShell(id, completion.created, opts.model ?? completion.model, opts),
    ...outcome,
    output,
    usage: responsesUsage(completion.usage),
  };
}
