/**
 * Anthropic Messages request (e.g. Claude Code's) → OpenAI Responses request.
 *
 * - `system` → `instructions` (blocks joined with "\n"); mid-conversation `role: "system"`
 *   messages → `developer` message items at their position (the ChatGPT backend rejects `system`).
 * - Messages are flattened into items in order: text/images → `message` items, `tool_use` →
 *   `function_call` (`call_id` = tool_use id), `tool_result` → `function_call_output`,
 *   thinking whose signature came from a Responses upstream → `reasoning` item (id +
 *   encrypted_content, see shared/reasoning-signature.ts); any other thinking is dropped because
 *   this upstream cannot verify it.
 * - `store: false` always (the proxy never relies on server-side state), so reasoning is requested
 *   with `include: ['reasoning.encrypted_content']`.
 * - Thinking → `reasoning.effort` (+ `summary: 'auto'`): `output_config.effort` wins, else the
 *   budget picks low/medium/high, adaptive defaults to medium; disabled/absent sends no reasoning
 *   (shared/reasoning-effort.ts, shared with anthropic-to-chat).
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import { blocksOf, openaiToolChoice, openaiUserId, systemText } from '../shared/anthropic-request.js';
import { openaiReasoningEffort } from '../shared/reasoning-effort.js';
import { decodeResponsesReasoning } from '../shared/reasoning-signature.js';
import { view } from '../shared/wire.js';
import type { AnthropicBlock, AnthropicMessage, AnthropicTool, AnthropicToolChoice } from '../shared/wire.js';
import { toInputPart, toToolOutput } from './content.js';
import type { ResponsesContentPart, ResponsesItem } from './wire.js';
import { dropsOf } from '../shared/on-drop.js';

const DROPPED_FIELDS: Record<string, string> = {
  stop_sequences: 'Responses has no stop sequences',
  top_k: 'Responses has no top_k',
  context_management: 'Anthropic-only context editing',
  container: 'Anthropic-only',
  mcp_servers: 'Anthropic-only',
  service_tier: 'tiers differ between vendors',
};

export function anthropicToResponsesRequest(body: JsonObject, opts: ConvertOptions): JsonObject {
  const out: JsonObject = { model: opts.model ?? body.model };
  for (const [field, reason] of Object.entries(DROPPED_FIELDS)) {
    if (body[field] !== undefined) opts.onDrop?.(field, reason);
  }

  const instructions = systemText(body.system, opts, 'Responses caches prompts automatically');
  if (instructions) out.instructions = instructions;
  out.input = toItems(view<AnthropicMessage[]>(body.messages ?? []), opts);

  const tools = view<AnthropicTool[] | undefined>(body.tools);
  if (tools?.length) out.tools = convertTools(tools, dropsOf(opts));
  const choice = view<AnthropicToolChoice | undefined>(body.tool_choice);
  if (choice) {
    out.tool_choice = openaiToolChoice(choice, (name) => ({ type: 'function', name }));
    if (choice.disable_parallel_tool_use !== undefined) out.parallel_tool_calls = !choice.disable_parallel_tool_use;
  }

  if (typeof body.max_tokens === 'number') out.max_output_tokens = body.max_tokens;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (body.stream !== undefined) out.stream = body.stream === true;
  out.store = false;

  const effort = openaiReasoningEffort('responses', body, opts);
  if (effort) {
    out.reasoning = { effort, summary: 'auto' };
    out.include = ['reasoning.encrypted_content'];
  }

  const outputConfig = view<{ format?: { type?: string; schema?: JsonObject } } | undefined>(body.output_config);
  if (outputConfig?.format?.type === 'json_schema') {
    out.text = { format: { type: 'json_schema', name: 'output', schema: outputConfig.format.schema ?? {}, strict: false } };
  }

  const userId = view<{ user_id?: string } | undefined>(body.metadata)?.user_id;
  if (typeof userId === 'string' && userId) out.safety_identifier = openaiUserId(userId);
  return out;
}

function toItems(messages: AnthropicMessage[], opts: ConvertOptions): ResponsesItem[] {
  const items: ResponsesItem[] = [];
  for (const message of messages) {
    if (message.role === 'system') {
      const text = blocksOf(message.content).map((b) => b.text ?? '').join('\n');
      items.push({ type: 'message', role: 'developer', content: [{ type: 'input_text', text }] });
    } else if (message.role === 'assistant') {
      assistantItems(blocksOf(message.content), items, opts);
    } else {
      userItems(blocksOf(message.content), items, opts);
    }
  }
  return items;
}

function userItems(blocks: AnthropicBlock[], items: ResponsesItem[], opts: ConvertOptions): void {
  if (blocks.some((b) => b.cache_control)) opts.onDrop?.('messages.content.cache_control', 'Responses caches prompts automatically');
  let parts: ResponsesContentPart[] = [];
  const flush = (): void => {
    if (parts.length) items.push({ type: 'message', role: 'user', content: parts });
    parts = [];
  };
  for (const block of blocks) {
    if (block.type === 'tool_result') {
      flush();
      items.push({ type: 'function_call_output', call_id: block.tool_use_id ?? '', output: toToolOutput(block, opts) });
      continue;
    }
    const part = toInputPart(block, opts, 'messages.content');
    if (part) parts.push(part);
  }
  flush();
}

function assistantItems(blocks: AnthropicBlock[], items: ResponsesItem[], opts: ConvertOptions): void {
  let parts: ResponsesContentPart[] = [];
  const flush = (): void => {
    if (parts.length) items.push({ type: 'message', role: 'assistant', content: parts });
    parts = [];
  };
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        parts.push({ type: 'output_text', text: block.text ?? '' });
        break;
      case 'tool_use':
        flush();
        items.push({
          type: 'function_call',
          call_id: block.id ?? '',
          name: block.name ?? '',
          arguments: JSON.stringify(block.input ?? {}),
        });
        break;
      case 'thinking':
      case 'redacted_thinking': {
        const ref = decodeResponsesReasoning((block.type === 'thinking' ? block.signature : block.data) ?? '');
        if (!ref) {
          opts.onDrop?.(`messages.content.${block.type}`, 'signature was not issued by a Responses upstream');
          break;
        }
        flush();
        const text = block.thinking ?? '';
        const item: ResponsesItem = {
          type: 'reasoning',
          id: ref.id,
          summary: text ? [{ type: 'summary_text', text }] : [],
        };
        if (ref.encryptedContent !== null) item.encrypted_content = ref.encryptedContent;
        items.push(item);
        break;
      }
      default:
        opts.onDrop?.(`messages.content.${block.type}`, 'no Responses counterpart for this assistant block');
    }
  }
  flush();
}

function convertTools(tools: AnthropicTool[], onDrop: (field: string, reason: string) => void): JsonObject[] {
  const out: JsonObject[] = [];
  if (tools.some((t) => t.cache_control)) onDrop('tools.cache_control', 'Responses caches prompts automatically');
  const deferred = tools.filter((t) => t.defer_loading !== undefined);
  if (deferred.length) onDrop('tools.defer_loading', 'Responses functions have no deferred loading');
  for (const tool of tools) {
    if (tool.type !== undefined && tool.type !== 'custom') {
      onDrop(`tools.${tool.name}`, `Anthropic server tool ${tool.type} has no Responses function counterpart`);
      continue;
    }
    out.push({
      type: 'function',
      name: tool.name,
      description: tool.description ?? '',
      parameters: tool.input_schema ?? { type: 'object', properties: {} },
      // Claude Code's schemas are not strict-mode compatible (optional properties, $schema...).
      strict: tool.strict === true,
    });
  }
  return out;
}
