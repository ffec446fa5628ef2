/**
 * OpenAI Chat Completions request → Anthropic Messages request.
 *
 * - Leading `system`/`developer` messages → top-level `system` text blocks. A system/developer
 *   message later in the conversation keeps its position as a `<system-reminder>` text block in a
 *   user turn (merged with the neighbouring user turn). Why not Anthropic's own mid-conversation
 *   `role: "system"`: it is accepted only by the newest models on the first-party API, with
 *   placement rules, while a Chat client may be routed to any Claude model or platform; the
 *   reminder form works everywhere and is the convention Claude models are trained on.
 * - `tool` messages → user-turn `tool_result` blocks (ids kept as is, `[tool error]` marker →
 *   `is_error`); consecutive same-role messages merge into one turn (Anthropic alternates roles),
 *   and tool_result blocks go first in their turn as Anthropic requires.
 * - assistant `tool_calls` → tool_use (input parsed from the JSON arguments); `reasoning_details`
 *   with Anthropic signatures → thinking/redacted_thinking first in the turn; unsigned
 *   `reasoning_content` is dropped (Anthropic rejects thinking without its signature).
 * - `reasoning_effort` → adaptive thinking + `output_config.effort` on current models, or a
 *   manual `budget_tokens` on models that only know that mode; `none` and the cases Anthropic
 *   would reject (forced tool, tool loop without echoed thinking) leave thinking out
 *   (shared/reasoning-effort.ts, shared with responses-to-anthropic).
 * - `max_tokens` is required by Anthropic: `max_completion_tokens` ?? `max_tokens` ?? a per-model
 *   default.
 */
import { thinkingFromDetail } from '../anthropic-to-chat/reasoning.js';
import type { ChatMessage, ChatPart, ChatTool } from '../anthropic-to-chat/wire.js';
import type { ConvertOptions, JsonObject } from '../types.js';
import { anthropicToolChoice, toolInput } from '../shared/openai-tools.js';
import { applyReasoningEffort, defaultMaxTokens } from '../shared/reasoning-effort.js';
import { view } from '../shared/wire.js';
import { partsOf, textOf, toBlock, toToolResult } from './content.js';
import { dropsOf } from '../shared/on-drop.js';

const DROPPED_FIELDS: Record<string, string> = {
  n: 'Anthropic returns one completion',
  logprobs: 'Anthropic has no logprobs',
  top_logprobs: 'Anthropic has no logprobs',
  logit_bias: 'Anthropic has no logit bias',
  presence_penalty: 'Anthropic has no presence penalty',
  frequency_penalty: 'Anthropic has no frequency penalty',
  seed: 'Anthropic has no seed',
  store: 'Anthropic keeps no stored completions',
  metadata: 'Anthropic metadata only carries user_id',
  modalities: 'Anthropic outputs text only',
  audio: 'Anthropic outputs text only',
  prediction: 'Anthropic has no predicted outputs',
  service_tier: 'tiers differ between vendors',
  web_search_options: 'no Anthropic counterpart (server web search is a tool there)',
  prompt_cache_key: 'Anthropic caches via cache_control, not keys',
  safety_identifier: 'Anthropic metadata carries user_id only (from `user`)',
  verbosity: 'Anthropic has no verbosity setting',
  functions: 'deprecated functions API; use tools',
  function_call: 'deprecated functions API; use tool_choice',
};

interface Turn {
  role: 'user' | 'assistant';
  content: JsonObject[];
}

export function chatToAnthropicRequest(body: JsonObject, opts: ConvertOptions): JsonObject {
  for (const [field, reason] of Object.entries(DROPPED_FIELDS)) {
    const value = body[field];
    if (value !== undefined && value !== null && !(field === 'n' && value === 1)) opts.onDrop?.(field, reason);
  }
  const model = String(opts.model ?? body.model ?? '');
  const system: JsonObject[] = [];
  const messages = toTurns(view<ChatMessage[]>(body.messages ?? []), system, opts);
  const out: JsonObject = { model, messages };
  if (system.length) out.system = system;

  const requested = body.max_completion_tokens ?? body.max_tokens;
  out.max_tokens = typeof requested === 'number' ? requested : defaultMaxTokens(model);

  const tools = convertTools(view<ChatTool[] | undefined>(body.tools) ?? [], dropsOf(opts));
  if (tools.length) {
    out.tools = tools;
    const choice = anthropicToolChoice(body.tool_choice, body.parallel_tool_calls, opts);
    if (choice) out.tool_choice = choice;
  }

  const thinking = applyReasoningEffort(body.reasoning_effort, { out, model, field: 'reasoning_effort', opts });
  if (typeof body.temperature === 'number' || typeof body.top_p === 'number') {
    if (thinking) opts.onDrop?.('temperature/top_p', 'Anthropic rejects sampling parameters while thinking');
    else if (typeof body.temperature === 'number') {
      // OpenAI allows 0–2, Anthropic 0–1: the top of the range is the closest it gets.
      out.temperature = Math.min(body.temperature, 1);
      if (body.temperature > 1) opts.onDrop?.('temperature', `${body.temperature} clamped to Anthropic's maximum of 1`);
      if (typeof body.top_p === 'number') opts.onDrop?.('top_p', 'current Claude models reject temperature and top_p together');
    } else out.top_p = body.top_p;
  }

  const stop = body.stop;
  if (typeof stop === 'string' && stop) out.stop_sequences = [stop];
  else if (Array.isArray(stop) && stop.length) out.stop_sequences = stop;

  const format = view<{ type?: string; json_schema?: { schema?: JsonObject } } | undefined>(body.response_format);
  if (format?.type === 'json_schema') {
    out.output_config = { ...view<JsonObject | undefined>(out.output_config), format: { type: 'json_schema', schema: format.json_schema?.schema ?? {} } };
  } else if (format?.type === 'json_object') opts.onDrop?.('response_format', 'Anthropic has no schemaless JSON mode');

  if (typeof body.user === 'string' && body.user) out.metadata = { user_id: body.user };
  if (body.stream === true) out.stream = true;
  return out;
}

function toTurns(messages: ChatMessage[], system: JsonObject[], opts: ConvertOptions): Turn[] {
  const turns: Turn[] = [];
  const push = (role: Turn['role'], blocks: JsonObject[]): void => {
    if (!blocks.length) return;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content);
        if (!text) break;
        if (turns.length === 0) system.push({ type: 'text', text });
        else push('user', [{ type: 'text', text: `<system-reminder>\n${text}\n</system-reminder>` }]);
        break;
      }
      case 'user':
        push('user', userBlocks(partsOf(message.content), opts));
        break;
      case 'assistant':
        push('assistant', assistantBlocks(message, opts));
        break;
      case 'tool':
        push('user', [toToolResult(message.tool_call_id ?? '', message.content, opts)]);
        break;
      default:
        opts.onDrop?.(`messages.${message.role}`, 'deprecated function-role message; use tool messages');
    }
  }
  // Anthropic wants a turn's tool_result blocks before anything else in it (stable otherwise).
  for (const turn of turns) {
    if (turn.role === 'user') turn.content = [...turn.content.filter(isToolResult), ...turn.content.filter((b) => !isToolResult(b))];
  }
  return turns;
}

function isToolResult(block: JsonObject): boolean {
  return block.type === 'tool_result';
}

function userBlocks(parts: ChatPart[], opts: ConvertOptions): JsonObject[] {
  return parts.map((p) => toBlock(p, opts, 'messages.user.content')).filter((b): b is JsonObject => b !== null);
}

function assistantBlocks(message: ChatMessage, opts: ConvertOptions): JsonObject[] {
  const blocks: JsonObject[] = [];
  for (const detail of message.reasoning_details ?? []) {
    const block = thinkingFromDetail(detail);
    if (block) blocks.push(block);
    else opts.onDrop?.('messages.assistant.reasoning_details', 'reasoning not signed by Anthropic cannot be verified');
  }
  if (!blocks.length && (message.reasoning_content || message.reasoning)) {
    opts.onDrop?.('messages.assistant.reasoning_content', 'unsigned reasoning cannot be sent to Anthropic');
  }
  for (const part of partsOf(message.content)) {
    const text = part.type === 'refusal' ? part.refusal : part.text;
    if (text) blocks.push({ type: 'text', text });
  }
  if (message.refusal && !blocks.some((b) => b.type === 'text')) blocks.push({ type: 'text', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    if (call.type !== undefined && call.type !== 'function') {
      opts.onDrop?.(`messages.assistant.tool_calls.${call.type}`, 'only function tool calls map to tool_use');
      continue;
    }
    blocks.push({ type: 'tool_use', id: call.id ?? '', name: call.function?.name ?? '', input: parseArguments(call.function?.arguments, opts) });
  }
  return blocks;
}

/** Tool call arguments → tool_use input; invalid JSON is kept under `raw` rather than lost. */
export function parseArguments(args: string | null | undefined, opts: ConvertOptions): unknown {
  return toolInput(args, opts, 'tool_calls.function.arguments');
}

function convertTools(tools: ChatTool[], onDrop: (field: string, reason: string) => void): JsonObject[] {
  const out: JsonObject[] = [];
  for (const tool of tools) {
    const fn = tool.function;
    if (tool.type !== 'function' || !fn?.name) {
      onDrop(`tools.${tool.type}`, 'only function tools map to Anthropic tools');
      continue;
    }
    const t: JsonObject = { name: fn.name, input_schema: fn.parameters ?? { type: 'object', properties: {} } };
    if (fn.description) t.description = fn.description;
    if (fn.strict === true) t.strict = true;
    out.push(t);
  }
  return out;
}
