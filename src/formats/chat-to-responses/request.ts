/**
 * OpenAI Chat Completions request → OpenAI Responses request.
 *
 * - Leading `system` messages → `instructions` (joined); a `developer` message, or a system message
 *   later in the conversation, stays in place as a `developer`/`system` message item.
 * - user parts: text → input_text, image_url → input_image, file → input_file.
 * - assistant `reasoning_details` of format openai-responses-v1 → reasoning items (see reasoning.ts);
 *   assistant text/refusal → an assistant message item (output_text/refusal parts); each
 *   `tool_calls` entry → a `function_call` item with the same `call_id` (custom → custom_tool_call).
 * - `tool` messages → `function_call_output` items keyed by `tool_call_id`.
 * - function tools → Responses function tools with `strict` explicit (Chat defaults it to false,
 *   Responses to true); tool_choice, parallel_tool_calls, reasoning_effort → reasoning.effort,
 *   response_format → text.format, verbosity → text.verbosity,
 *   max_completion_tokens ?? max_tokens → max_output_tokens.
 * - No counterpart (stop, n, seed, penalties, logprobs, logit_bias, audio…): dropped via onDrop.
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool, ChatToolChoice, ChatResponseFormat } from '../models/chat.js';
import { joinText } from './mapping.js';
import { reasoningItems } from './reasoning.js';

/** Fields with the same name and meaning in both APIs. */
const SAME_FIELDS = [
  'stream',
  'temperature',
  'top_p',
  'user',
  'metadata',
  'parallel_tool_calls',
  'service_tier',
  'store',
  'prompt_cache_key',
  'safety_identifier',
  'top_logprobs',
] as const;

const HANDLED = new Set<string>([
  ...SAME_FIELDS,
  'model',
  'messages',
  'tools',
  'tool_choice',
  'max_tokens',
  'max_completion_tokens',
  'reasoning_effort',
  'response_format',
  'verbosity',
  'stream_options',
]);

export function chatToResponsesRequest(body: JsonObject, opts: ConvertOptions): JsonObject {
  const req = body as ChatRequest;
  const drop = opts.onDrop ?? (() => {});
  const out: JsonObject = { model: opts.model ?? req.model };

  const { instructions, input } = convertMessages(req.messages, drop);
  if (instructions !== undefined) out.instructions = instructions;
  out.input = input;

  for (const key of SAME_FIELDS) if (req[key] !== undefined && req[key] !== null) out[key] = req[key];

  if (req.tools?.length) out.tools = req.tools.flatMap((t) => convertTool(t, drop));
  if (req.tool_choice !== undefined) out.tool_choice = convertToolChoice(req.tool_choice);

  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (typeof maxTokens === 'number') out.max_output_tokens = maxTokens;
  if (req.reasoning_effort) out.reasoning = { effort: req.reasoning_effort };

  const text: JsonObject = {};
  if (req.response_format) text.format = convertResponseFormat(req.response_format);
  if (typeof req.verbosity === 'string') text.verbosity = req.verbosity;
  if (Object.keys(text).length > 0) out.text = text;

  // include_usage has no counterpart: Responses always reports usage in its terminal event.
  for (const key of Object.keys(req)) {
    if (!HANDLED.has(key) && req[key] !== undefined && req[key] !== null) drop(key, 'no Responses counterpart');
  }
  return out;
}

function convertMessages(messages: ChatMessage[], drop: (f: string, r: string) => void): { instructions?: string; input: JsonObject[] } {
  const input: JsonObject[] = [];
  const leading: string[] = [];
  for (const msg of messages) {
    switch (msg.role) {
      case 'system':
        if (input.length === 0) leading.push(joinText(msg.content));
        else input.push({ type: 'message', role: 'system', content: textParts(msg.content) });
        break;
      case 'developer':
        input.push({ type: 'message', role: 'developer', content: textParts(msg.content) });
        break;
      case 'user':
        input.push({ type: 'message', role: 'user', content: userParts(msg.content, drop) });
        break;
      case 'assistant':
        input.push(...assistantItems(msg, drop));
        break;
      case 'tool':
        input.push({ type: 'function_call_output', call_id: msg.tool_call_id, output: toolOutput(msg.content) });
        break;
      default:
        drop(`messages[].role=${msg.role}`, 'deprecated function messages have no Responses counterpart');
    }
  }
  return { ...(leading.length > 0 ? { instructions: leading.join('\n\n') } : {}), input };
}

function textParts(content: string | ChatContentPart[]): JsonObject[] | string {
  return typeof content === 'string' ? content : [{ type: 'input_text', text: joinText(content) }];
}

function userParts(content: string | ChatContentPart[], drop: (f: string, r: string) => void): JsonObject[] | string {
  if (typeof content === 'string') return content;
  const parts: JsonObject[] = [];
  for (const part of content) {
    if (part.type === 'text') parts.push({ type: 'input_text', text: part.text });
    else if (part.type === 'image_url') {
      const image = part.image_url as { url: string; detail?: string };
      parts.push({ type: 'input_image', image_url: image.url, detail: image.detail ?? 'auto' });
    } else if (part.type === 'file') {
      const file = part.file as { file_id?: string; file_data?: string; filename?: string };
      parts.push({ type: 'input_file', ...file });
    } else drop(`messages[].content[].type=${part.type}`, 'no Responses input part');
  }
  return parts;
}

function assistantItems(msg: Extract<ChatMessage, { role: 'assistant' }>, drop: (f: string, r: string) => void): JsonObject[] {
  // Reasoning this proxy passed out as reasoning_details goes back first, as it came.
  const items: JsonObject[] = reasoningItems(msg.reasoning_details);
  const content: JsonObject[] = [];
  const text = msg.content == null ? '' : joinText(msg.content);
  if (text) content.push({ type: 'output_text', text, annotations: [] });
  const refusal = msg.refusal ?? (Array.isArray(msg.content) ? msg.content.find((p) => p.type === 'refusal')?.refusal : undefined);
  if (typeof refusal === 'string' && refusal) content.push({ type: 'refusal', refusal });
  if (content.length > 0) items.push({ type: 'message', role: 'assistant', content });
  if (msg.reasoning_content && items.length === 0) drop('messages[].reasoning_content', 'plain reasoning text cannot be replayed to Responses');
  for (const call of msg.tool_calls ?? []) {
    if (call.type === 'function') {
      const fn = call.function as { name: string; arguments: string };
      items.push({ type: 'function_call', call_id: call.id, name: fn.name, arguments: fn.arguments });
    } else {
      const custom = call.custom as { name: string; input: string };
      items.push({ type: 'custom_tool_call', call_id: call.id, name: custom.name, input: custom.input });
    }
  }
  return items;
}

function toolOutput(content: string | ChatContentPart[]): string | JsonObject[] {
  if (typeof content === 'string') return content;
  if (content.every((p) => p.type === 'text')) return joinText(content);
  return content.map((p) =>
    p.type === 'image_url' ? { type: 'input_image', image_url: (p.image_url as { url: string }).url } : { type: 'input_text', text: joinText([p]) },
  );
}


function convertTool(tool: ChatTool, drop: (f: string, r: string) => void): JsonObject[] {
  if (tool.type === 'function') {
    const fn = tool.function as { name: string; description?: string; parameters?: JsonObject; strict?: boolean | null };
    return [
      {
        type: 'function',
        name: fn.name,
        ...(fn.description !== undefined ? { description: fn.description } : {}),
        parameters: fn.parameters ?? { type: 'object', properties: {} },
        strict: fn.strict ?? false,
      },
    ];
  }
  if (tool.type === 'custom') return [{ type: 'custom', ...(tool.custom as JsonObject) }];
  drop(`tools[].type=${tool.type}`, 'no Responses counterpart');
  return [];
}

function convertToolChoice(choice: ChatToolChoice): JsonObject | string {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function') return { type: 'function', name: (choice.function as { name: string }).name };
  if (choice.type === 'custom') return { type: 'custom', name: (choice.custom as { name: string }).name };
  const allowed = choice.allowed_tools as { mode?: string; tools?: { type: string; function?: { name: string }; custom?: { name: string } }[] };
  return {
    type: 'allowed_tools',
    mode: allowed.mode ?? 'auto',
    tools: (allowed.tools ?? []).map((t) => ({ type: t.type, name: t.function?.name ?? t.custom?.name })),
  };
}

function convertResponseFormat(format: ChatResponseFormat): JsonObject {
  if (format.type === 'json_schema') {
    const js = format.json_schema as { name: string; schema?: JsonObject; strict?: boolean | null; description?: string };
    return {
      type: 'json_schema',
      name: js.name,
      schema: js.schema ?? {},
      ...(js.strict != null ? { strict: js.strict } : {}),
      ...(js.description !== undefined ? { description: js.description } : {}),
    };
  }
  return { type: format.type };
}
