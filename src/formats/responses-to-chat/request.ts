/**
 * OpenAI Responses request → OpenAI Chat Completions request.
 *
 * - `instructions` → a leading `system` message; `developer`/`system` message items → `system`
 *   messages in place (OpenAI-compatible upstreams do not all know the `developer` role, and
 *   OpenAI treats the two alike).
 * - user parts: input_text → text, input_image (URL/data URL) → image_url, input_file → file.
 * - assistant message items → assistant messages; `function_call` items → `tool_calls` on the
 *   preceding assistant message (consecutive calls merge into one message, as Chat expects for
 *   parallel calls); `function_call_output` → `tool` messages with the same `tool_call_id`.
 * - `custom` (freeform/grammar) tools, which few Chat upstreams know, become function tools with one
 *   string property `input` (shared/custom-tool.ts); their calls go up as `{"input": …}` arguments
 *   and come back as custom_tool_call items (chat-to-responses response/stream).
 * - function tools map 1:1; hosted tools (web_search, tool_search, mcp, …) and reasoning
 *   items have no Chat counterpart and are dropped via onDrop.
 * - max_output_tokens → max_completion_tokens, reasoning.effort → reasoning_effort,
 *   text.format → response_format, text.verbosity → verbosity; streaming asks for the usage chunk.
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import type { ResponsesContentPart, ResponsesItem, ResponsesRequest, ResponsesTextFormat, ResponsesTool, ResponsesToolChoice } from '../models/responses.js';
import { joinText } from '../chat-to-responses/mapping.js';
import { CUSTOM_TOOL_INPUT_KEY, customToolInputSchema } from '../shared/custom-tool.js';

type Drop = (field: string, reason: string) => void;

const SAME_FIELDS = ['temperature', 'top_p', 'user', 'parallel_tool_calls', 'service_tier', 'prompt_cache_key', 'safety_identifier', 'top_logprobs', 'metadata'] as const;

const HANDLED = new Set<string>([...SAME_FIELDS, 'model', 'input', 'instructions', 'tools', 'tool_choice', 'max_output_tokens', 'reasoning', 'text', 'stream']);

export function responsesToChatRequest(body: JsonObject, opts: ConvertOptions): JsonObject {
  const req = body as ResponsesRequest;
  const drop: Drop = opts.onDrop ?? (() => {});
  const messages: JsonObject[] = [];
  if (req.instructions) messages.push({ role: 'system', content: req.instructions });
  if (typeof req.input === 'string') messages.push({ role: 'user', content: req.input });
  else for (const item of req.input ?? []) addItem(messages, item, drop);

  const out: JsonObject = { model: opts.model ?? req.model, messages };
  for (const key of SAME_FIELDS) if (req[key] !== undefined && req[key] !== null) out[key] = req[key];
  if (req.tools?.length) {
    const tools = req.tools.flatMap((t) => convertTool(t, drop));
    if (tools.length > 0) out.tools = tools;
  }
  // Chat rejects parallel_tool_calls without tools (e.g. when only hosted tools were dropped).
  if (out.tools === undefined) delete out.parallel_tool_calls;
  if (req.tool_choice !== undefined && out.tools !== undefined) out.tool_choice = convertToolChoice(req.tool_choice);
  if (typeof req.max_output_tokens === 'number') out.max_completion_tokens = req.max_output_tokens;
  if (req.reasoning?.effort) out.reasoning_effort = req.reasoning.effort;
  if (req.reasoning?.summary) drop('reasoning.summary', 'Chat has no reasoning summaries');
  if (req.text?.format) out.response_format = convertFormat(req.text.format);
  if (req.text?.verbosity) out.verbosity = req.text.verbosity;
  if (req.stream) {
    out.stream = true;
    // Responses always reports usage at the end; ask the Chat upstream for it too.
    out.stream_options = { include_usage: true };
  }
  for (const key of Object.keys(req)) {
    if (!HANDLED.has(key) && req[key] !== undefined && req[key] !== null) drop(key, 'no Chat counterpart');
  }
  return out;
}

function addItem(messages: JsonObject[], item: ResponsesItem, drop: Drop): void {
  const type = item.type ?? 'message';
  if (type === 'message') {
    const msg = item as Extract<ResponsesItem, { role: string }>;
    if (msg.role === 'assistant') {
      const parts = typeof msg.content === 'string' ? [{ type: 'output_text', text: msg.content }] : msg.content;
      const text = joinText(parts.filter((p) => p.type === 'output_text' || p.type === 'input_text'));
      const refusal = parts.find((p) => p.type === 'refusal') as { refusal?: string } | undefined;
      messages.push({ role: 'assistant', content: text || null, ...(refusal?.refusal ? { refusal: refusal.refusal } : {}) });
    } else if (msg.role === 'user') {
      messages.push({ role: 'user', content: userContent(msg.content, drop) });
    } else {
      messages.push({ role: 'system', content: joinText(msg.content) });
    }
    return;
  }
  if (type === 'function_call' || type === 'custom_tool_call') {
    const call = item as { call_id: string; name: string; arguments?: string; input?: string };
    const toolCall =
      type === 'function_call'
        ? { id: call.call_id, type: 'function', function: { name: call.name, arguments: call.arguments ?? '' } }
        : { id: call.call_id, type: 'function', function: { name: call.name, arguments: JSON.stringify({ [CUSTOM_TOOL_INPUT_KEY]: call.input ?? '' }) } };
    const last = messages.at(-1);
    if (last?.role === 'assistant') last.tool_calls = [...((last.tool_calls as JsonObject[] | undefined) ?? []), toolCall];
    else messages.push({ role: 'assistant', content: null, tool_calls: [toolCall] });
    return;
  }
  if (type === 'function_call_output' || type === 'custom_tool_call_output') {
    const out = item as { call_id: string; output: string | ResponsesContentPart[] };
    messages.push({ role: 'tool', tool_call_id: out.call_id, content: typeof out.output === 'string' ? out.output : toolContent(out.output) });
    return;
  }
  drop(`input[].type=${type}`, type === 'reasoning' ? 'Chat cannot replay reasoning items' : 'no Chat counterpart');
}

function userContent(content: string | ResponsesContentPart[], drop: Drop): string | JsonObject[] {
  if (typeof content === 'string') return content;
  const parts: JsonObject[] = [];
  for (const part of content) {
    if (part.type === 'input_text' || part.type === 'output_text') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'input_image' && typeof part.image_url === 'string') {
      parts.push({ type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } });
    } else if (part.type === 'input_file') {
      const { type: _t, ...file } = part;
      parts.push({ type: 'file', file });
    } else drop(`input[].content[].type=${part.type}`, 'no Chat content part');
  }
  return parts;
}

/** Chat tool messages take text; images in a tool output are described by their URL. */
function toolContent(parts: ResponsesContentPart[]): string {
  return parts.map((p) => (typeof p.text === 'string' ? p.text : p.type === 'input_image' ? `[image: ${String(p.image_url ?? p.file_id)}]` : '')).join('');
}


function convertTool(tool: ResponsesTool, drop: Drop): JsonObject[] {
  if (tool.type === 'function') {
    const { type: _t, name, description, parameters, strict, ...rest } = tool;
    if (Object.keys(rest).length > 0) drop(`tools[${String(name)}] extra keys`, 'kept out of the Chat function');
    return [{ type: 'function', function: { name, ...(description ? { description } : {}), parameters: parameters ?? { type: 'object', properties: {} }, ...(strict != null ? { strict } : {}) } }];
  }
  if (tool.type === 'custom') {
    const description = typeof tool.description === 'string' ? tool.description : undefined;
    const parameters = customToolInputSchema(tool.format as { type?: string; syntax?: string; definition?: string } | undefined);
    return [{ type: 'function', function: { name: tool.name, ...(description ? { description } : {}), parameters } }];
  }
  drop(`tools[].type=${tool.type}`, 'hosted tool with no Chat counterpart');
  return [];
}

function convertToolChoice(choice: ResponsesToolChoice): string | JsonObject {
  if (typeof choice === 'string') return choice;
  const named = choice as { type: string; name?: string; mode?: string; tools?: { type: string; name?: string }[] };
  // Custom tools are function tools upstream (see convertTool).
  if (named.type === 'function' || named.type === 'custom') return { type: 'function', function: { name: named.name } };
  if (named.type === 'allowed_tools') {
    const tools = (named.tools ?? []).map((t) => ({ type: 'function', function: { name: t.name } }));
    return { type: 'allowed_tools', allowed_tools: { mode: named.mode ?? 'auto', tools } };
  }
  return 'auto';
}

function convertFormat(format: ResponsesTextFormat): JsonObject {
  if (format.type === 'json_schema') {
    const { type: _t, name, schema, strict, description } = format as { type: string; name: string; schema: JsonObject; strict?: boolean | null; description?: string };
    return { type: 'json_schema', json_schema: { name, schema, ...(strict != null ? { strict } : {}), ...(description ? { description } : {}) } };
  }
  return { type: format.type };
}
