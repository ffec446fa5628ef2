/**
 * OpenAI tool calls and tool choice → Anthropic, for both OpenAI client APIs (chat-to-anthropic,
 * responses-to-anthropic): the same rules whichever API the client speaks.
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import { view } from './wire.js';

/**
 * `tool_choice` (`auto`/`required`/`none`, or a named function: Chat `{type: "function",
 * function: {name}}`, Responses `{type: "function" | "custom", name}`) plus `parallel_tool_calls`
 * → Anthropic `tool_choice`, or null to leave it out. `disable_parallel_tool_use` is never put on
 * `none`, which has no such field.
 */
export function anthropicToolChoice(choice: unknown, parallelToolCalls: unknown, opts: ConvertOptions): JsonObject | null {
  const mapped = mapChoice(choice, opts);
  if (parallelToolCalls === false && mapped?.type !== 'none') return { ...(mapped ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return mapped;
}

function mapChoice(choice: unknown, opts: ConvertOptions): JsonObject | null {
  if (choice === undefined || choice === null) return null;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  const named = view<{ type?: string; name?: string; function?: { name?: string } }>(choice);
  const name = named.type === 'function' ? (named.function?.name ?? named.name) : named.type === 'custom' ? named.name : undefined;
  if (name) return { type: 'tool', name };
  opts.onDrop?.('tool_choice', 'no Anthropic counterpart for this tool_choice');
  return null;
}

/**
 * Tool call arguments (a JSON string) → tool_use `input`, which Anthropic requires to be an
 * object: anything else (invalid JSON, an array, a number) is kept as `{"raw": ...}` rather than
 * lost, and reported under `field`.
 */
export function toolInput(args: string | null | undefined, opts: ConvertOptions, field: string): unknown {
  if (!args) return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  opts.onDrop?.(field, 'arguments were not a JSON object; passed as {"raw": ...}');
  return { raw: args };
}
