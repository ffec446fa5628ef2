/**
 * OpenAI Responses request (e.g. Codex CLI's) → Anthropic Messages request.
 *
 * - `instructions` plus every `developer`/`system` message BEFORE the first user/assistant/tool
 *   item → top-level `system` (text blocks, in order). Later developer/system messages stay at
 *   their position as Anthropic `role: "system"` messages (which the Messages API accepts
 *   mid-conversation, as Claude Code itself sends them).
 * - Items fold into alternating messages: `function_call`/`custom_tool_call` → assistant tool_use
 *   (id = `call_id`); `*_call_output` → user tool_result; `reasoning` → thinking/redacted_thinking
 *   only when its encrypted_content came from an Anthropic upstream (shared/reasoning-signature.ts);
 *   OpenAI-issued reasoning cannot be verified by Anthropic and is dropped.
 * - `custom` tools → a tool with a single string `input` property (shared/custom-tool.ts);
 *   built-ins (web_search, tool_search, local_shell, …) are dropped.
 * - `reasoning.effort` → adaptive thinking + `output_config.effort` on current models, a manual
 *   `budget_tokens` on models that only know that mode; `none`, a forced tool and a tool loop
 *   without Anthropic thinking leave thinking out (shared/reasoning-effort.ts, shared with
 *   chat-to-anthropic). Temperature/top_p are dropped while thinking.
 * - `max_output_tokens` → `max_tokens` (required by Anthropic; a per-model default if absent).
 */
import type { ResponsesContentPart, ResponsesItem, ResponsesTool } from '../anthropic-to-responses/wire.js';
import type { ConvertOptions, JsonObject } from '../types.js';
import { customToolInputSchema, CUSTOM_TOOL_INPUT_KEY } from '../shared/custom-tool.js';
import { anthropicToolChoice } from '../shared/openai-tools.js';
import { applyReasoningEffort, defaultMaxTokens } from '../shared/reasoning-effort.js';
import { decodeAnthropicReasoning } from '../shared/reasoning-signature.js';
import { view } from '../shared/wire.js';
import { toBlock, toToolResult } from './content.js';
import { parseArguments } from './response.js';
import { dropsOf } from '../shared/on-drop.js';

const DROPPED_FIELDS: Record<string, string> = {
  store: 'Anthropic keeps no server-side response state',
  previous_response_id: 'Anthropic keeps no server-side response state',
  conversation: 'Anthropic keeps no server-side conversation state',
  prompt_cache_key: 'Anthropic caches via cache_control, not keys',
  client_metadata: 'Responses-only client metadata',
  metadata: 'Anthropic metadata only carries user_id',
  include: 'Responses-only include list',
  truncation: 'Responses-only truncation strategy',
  service_tier: 'tiers differ between vendors',
  background: 'Responses-only background mode',
  prompt: 'Responses-only prompt templates',
  top_logprobs: 'Anthropic has no logprobs',
  max_tool_calls: 'Anthropic has no tool call limit',
  stream_options: 'Responses-only stream options',
};

interface Turn {
  role: 'user' | 'assistant' | 'system';
  content: JsonObject[];
}

export function responsesToAnthropicRequest(body: JsonObject, opts: ConvertOptions): JsonObject {
  for (const [field, reason] of Object.entries(DROPPED_FIELDS)) {
    if (body[field] !== undefined && body[field] !== null) opts.onDrop?.(field, reason);
  }
  const system: JsonObject[] = [];
  if (typeof body.instructions === 'string' && body.instructions) system.push({ type: 'text', text: body.instructions });
  const input: ResponsesItem[] =
    typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : view<ResponsesItem[]>(body.input ?? []);
  const messages = toMessages(input, system, opts);

  const out: JsonObject = { model: opts.model ?? body.model, messages };
  if (system.length) out.system = system;
  out.max_tokens = typeof body.max_output_tokens === 'number' ? body.max_output_tokens : defaultMaxTokens(String(out.model ?? ''));

  const tools = convertTools(view<ResponsesTool[]>(body.tools ?? []), dropsOf(opts));
  if (tools.length) {
    out.tools = tools;
    const choice = anthropicToolChoice(body.tool_choice, body.parallel_tool_calls, opts);
    if (choice) out.tool_choice = choice;
  }

  const effort = view<{ effort?: string | null } | undefined>(body.reasoning)?.effort;
  const thinking = applyReasoningEffort(effort, { out, model: String(out.model ?? ''), field: 'reasoning', opts });
  for (const field of ['temperature', 'top_p'] as const) {
    if (typeof body[field] !== 'number') continue;
    if (thinking) opts.onDrop?.(field, 'Anthropic rejects sampling parameters while thinking');
    else out[field] = body[field];
  }

  const text = view<{ format?: { type?: string; schema?: JsonObject }; verbosity?: string } | undefined>(body.text);
  if (text?.format?.type === 'json_schema') out.output_config = { ...(view<JsonObject | undefined>(out.output_config) ?? {}), format: { type: 'json_schema', schema: text.format.schema ?? {} } };
  else if (text?.format?.type === 'json_object') opts.onDrop?.('text.format', 'Anthropic has no schemaless JSON mode');
  if (text?.verbosity) opts.onDrop?.('text.verbosity', 'Anthropic has no verbosity setting');

  const user = body.safety_identifier ?? body.user;
  if (typeof user === 'string' && user) out.metadata = { user_id: user };
  if (body.stream !== undefined) out.stream = body.stream === true;
  return out;
}

function textOf(content: string | ResponsesContentPart[] | undefined): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => p.text ?? '').join('\n');
}

function toMessages(items: ResponsesItem[], system: JsonObject[], opts: ConvertOptions): Turn[] {
  const turns: Turn[] = [];
  const push = (role: Turn['role'], blocks: JsonObject[]): void => {
    if (!blocks.length) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role && role !== 'system') last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const item of items) {
    const type = item.type ?? (item.role ? 'message' : 'unknown');
    switch (type) {
      case 'message': {
        if (item.role === 'developer' || item.role === 'system') {
          const text = textOf(item.content);
          if (turns.length === 0) system.push({ type: 'text', text });
          else push('system', [{ type: 'text', text }]);
          break;
        }
        const parts: ResponsesContentPart[] = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : (item.content ?? []);
        const blocks = parts.map((p) => toBlock(p, opts, 'input.message.content')).filter((b): b is JsonObject => b !== null);
        push(item.role === 'assistant' ? 'assistant' : 'user', blocks);
        break;
      }
      case 'function_call':
        push('assistant', [{ type: 'tool_use', id: item.call_id ?? '', name: item.name ?? '', input: parseArguments(item.arguments, opts) }]);
        break;
      case 'custom_tool_call':
        push('assistant', [{ type: 'tool_use', id: item.call_id ?? '', name: item.name ?? '', input: { [CUSTOM_TOOL_INPUT_KEY]: item.input ?? '' } }]);
        break;
      case 'function_call_output':
      case 'custom_tool_call_output':
        push('user', [toToolResult(item.call_id ?? '', item.output, opts)]);
        break;
      case 'reasoning': {
        const restored = decodeAnthropicReasoning(item.encrypted_content ?? '');
        if (!restored) {
          opts.onDrop?.('input.reasoning', 'reasoning was not produced by an Anthropic upstream; it cannot be verified');
          break;
        }
        const thinking = (item.summary ?? []).map((s) => s.text).join('\n\n');
        push('assistant', [restored.kind === 'thinking' ? { type: 'thinking', thinking, signature: restored.signature } : { type: 'redacted_thinking', data: restored.data }]);
        break;
      }
      default:
        opts.onDrop?.(`input.${type}`, 'no Anthropic counterpart for this input item');
    }
  }
  return turns.map((t) => ({ role: t.role, content: t.content }));
}

function convertTools(tools: ResponsesTool[], onDrop: (field: string, reason: string) => void): JsonObject[] {
  const out: JsonObject[] = [];
  for (const tool of tools) {
    if (tool.type === 'function' && tool.name) {
      const t: JsonObject = { name: tool.name, input_schema: tool.parameters ?? { type: 'object', properties: {} } };
      if (tool.description) t.description = tool.description;
      if (tool.strict === true) t.strict = true;
      out.push(t);
    } else if (tool.type === 'custom' && tool.name) {
      const t: JsonObject = { name: tool.name, input_schema: customToolInputSchema(tool.format) };
      if (tool.description) t.description = tool.description;
      out.push(t);
    } else {
      onDrop(`tools.${tool.name ?? tool.type}`, `Responses built-in tool ${tool.type} has no Anthropic counterpart`);
    }
  }
  return out;
}
