/**
 * Anthropic Messages request (e.g. Claude Code's) → OpenAI Chat Completions request.
 *
 * - `system` (string or blocks, joined with "\n") → a leading `system` message; Claude Code's
 *   `x-anthropic-billing-header` line is removed (meaningless to another vendor, and it would
 *   vary the prompt prefix). Mid-conversation `role: "system"` messages stay `system` messages at
 *   their position (Chat allows them anywhere).
 * - user turns: `tool_result` blocks → `tool` messages FIRST (Chat requires them right after the
 *   assistant's `tool_calls`), then the remaining text/images as one user message; images inside
 *   tool results join that user message (Chat tool messages are text only).
 * - assistant turns: text → `content`, tool_use → `tool_calls` (ids kept as is), thinking that a
 *   Chat upstream produced → `reasoning_content`; Anthropic-signed thinking is dropped (no Chat
 *   upstream can verify it).
 * - thinking/effort → `reasoning_effort`; max_tokens → `max_completion_tokens` (OpenAI's current
 *   field; `max_tokens` is rejected by its reasoning models); streaming always asks for usage so
 *   the Anthropic client gets its `message_delta` usage.
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import { blocksOf, openaiToolChoice, openaiUserId, systemText } from '../shared/anthropic-request.js';
import { openaiReasoningEffort } from '../shared/reasoning-effort.js';
import { view } from '../shared/wire.js';
import type { AnthropicBlock, AnthropicMessage, AnthropicTool, AnthropicToolChoice } from '../shared/wire.js';
import { toChatPart, toToolOutput } from './content.js';
import { isChatReasoning } from './reasoning.js';
import type { ChatMessage, ChatPart, ChatToolCall } from './wire.js';
import { dropsOf } from '../shared/on-drop.js';

const DROPPED_FIELDS: Record<string, string> = {
  top_k: 'Chat has no top_k',
  context_management: 'Anthropic-only context editing',
  container: 'Anthropic-only',
  mcp_servers: 'Anthropic-only',
  service_tier: 'tiers differ between vendors',
  inference_geo: 'Anthropic-only',
};

/** OpenAI accepts at most four stop sequences. */
const MAX_STOP = 4;

export function anthropicToChatRequest(body: JsonObject, opts: ConvertOptions): JsonObject {
  for (const [field, reason] of Object.entries(DROPPED_FIELDS)) {
    if (body[field] !== undefined && body[field] !== null) opts.onDrop?.(field, reason);
  }
  const messages: ChatMessage[] = [];
  const system = systemText(body.system, opts, 'Chat upstreams cache prompts automatically');
  if (system) messages.push({ role: 'system', content: system });
  for (const message of view<AnthropicMessage[]>(body.messages ?? [])) appendMessage(message, messages, opts);

  const out: JsonObject = { model: opts.model ?? body.model, messages };
  const tools = convertTools(view<AnthropicTool[] | undefined>(body.tools) ?? [], dropsOf(opts));
  if (tools.length) out.tools = tools;
  const choice = view<AnthropicToolChoice | undefined>(body.tool_choice);
  if (choice && tools.length) {
    out.tool_choice = openaiToolChoice(choice, (name) => ({ type: 'function', function: { name } }));
    if (choice.disable_parallel_tool_use !== undefined) out.parallel_tool_calls = !choice.disable_parallel_tool_use;
  }

  if (typeof body.max_tokens === 'number') out.max_completion_tokens = body.max_tokens;
  for (const field of ['temperature', 'top_p'] as const) if (typeof body[field] === 'number') out[field] = body[field];
  const stops = view<string[] | undefined>(body.stop_sequences);
  if (stops?.length) {
    if (stops.length > MAX_STOP) opts.onDrop?.('stop_sequences', `Chat accepts at most ${MAX_STOP} stop sequences; the rest are dropped`);
    out.stop = stops.slice(0, MAX_STOP);
  }
  const effort = reasoningEffort(body, opts);
  if (effort) out.reasoning_effort = effort;
  const format = outputFormat(body);
  if (format) out.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format, strict: false } };

  const userId = view<{ user_id?: string | null } | undefined>(body.metadata)?.user_id;
  if (typeof userId === 'string' && userId) out.user = openaiUserId(userId);
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}

function appendMessage(message: AnthropicMessage, out: ChatMessage[], opts: ConvertOptions): void {
  const blocks = blocksOf(message.content);
  if (blocks.some((b) => b.cache_control)) opts.onDrop?.('messages.content.cache_control', 'Chat upstreams cache prompts automatically');
  if (message.role === 'system') out.push({ role: 'system', content: blocks.map((b) => b.text ?? '').join('\n') });
  else if (message.role === 'assistant') {
    const assistant = assistantMessage(blocks, opts);
    // Chat rejects an assistant message with neither content nor tool_calls (e.g. thinking-only turns).
    if (assistant.content !== null || assistant.tool_calls || assistant.reasoning_content) out.push(assistant);
  }
  else appendUser(blocks, out, opts);
}

function appendUser(blocks: AnthropicBlock[], out: ChatMessage[], opts: ConvertOptions): void {
  const parts: ChatPart[] = [];
  const toolImages: ChatPart[] = [];
  // Chat wants tool messages right after the assistant's tool_calls: a system message the client
  // placed in between moves after them.
  let at = out.length;
  while (at > 0 && out[at - 1]?.role === 'system' && out.slice(0, at - 1).some((m) => m.role !== 'system')) at -= 1;
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      const result = toToolOutput(block, opts);
      out.splice(at++, 0, { role: 'tool', tool_call_id: block.tool_use_id ?? '', content: result.text });
      toolImages.push(...result.images);
      continue;
    }
    const part = toChatPart(block, opts, 'messages.content');
    if (part) parts.push(part);
  }
  const all = [...toolImages, ...parts];
  if (!all.length) return;
  // A single text stays a plain string (the most widely accepted Chat shape); otherwise parts keep block boundaries.
  const only = all.length === 1 && all[0]?.type === 'text' ? all[0] : null;
  const content = only ? (only.text ?? '') : all;
  out.push({ role: 'user', content });
}

function assistantMessage(blocks: AnthropicBlock[], opts: ConvertOptions): ChatMessage {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const calls: ChatToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'text') texts.push(block.text ?? '');
    else if (block.type === 'tool_use') {
      calls.push({ id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) } });
    } else if (isChatReasoning(block)) reasoning.push(block.thinking ?? '');
    else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      opts.onDrop?.(`messages.content.${block.type}`, 'Anthropic-signed thinking cannot be verified by a Chat upstream');
    } else opts.onDrop?.(`messages.content.${block.type}`, 'no Chat counterpart for this assistant block');
  }
  // Chat wants content or tool_calls; a reasoning-only turn gets empty text to stay valid.
  let content: string | null = null;
  if (texts.length) content = texts.join('');
  else if (!calls.length && reasoning.length) content = '';
  const message: ChatMessage = { role: 'assistant', content };
  if (calls.length) message.tool_calls = calls;
  if (reasoning.length) message.reasoning_content = reasoning.join('\n\n');
  return message;
}

function convertTools(tools: AnthropicTool[], onDrop: (field: string, reason: string) => void): JsonObject[] {
  const out: JsonObject[] = [];
  if (tools.some((t) => t.cache_control)) onDrop('tools.cache_control', 'Chat upstreams cache prompts automatically');
  if (tools.some((t) => t.defer_loading !== undefined)) onDrop('tools.defer_loading', 'Chat functions have no deferred loading');
  for (const tool of tools) {
    if (tool.type && tool.type !== 'custom') {
      onDrop(`tools.${tool.name}`, `Anthropic server tool ${tool.type} has no Chat function counterpart`);
      continue;
    }
    const fn: JsonObject = { name: tool.name, parameters: tool.input_schema ?? { type: 'object', properties: {} } };
    if (tool.description) fn.description = tool.description;
    if (tool.strict === true) fn.strict = true;
    out.push({ type: 'function', function: fn });
  }
  return out;
}

/** Thinking → reasoning_effort (shared with anthropic-to-responses); Chat has no display setting. */
function reasoningEffort(body: JsonObject, opts: ConvertOptions): string | null {
  if (view<{ display?: string } | undefined>(body.thinking)?.display) opts.onDrop?.('thinking.display', 'Chat has no thinking display setting');
  return openaiReasoningEffort('chat', body, opts);
}

function outputFormat(body: JsonObject): JsonObject | null {
  type Format = { type?: string; schema?: JsonObject } | null | undefined;
  const format = view<{ format?: Format } | undefined>(body.output_config)?.format ?? view<Format>(body.output_format);
  return format?.type === 'json_schema' ? (format.schema ?? {}) : null;
}
