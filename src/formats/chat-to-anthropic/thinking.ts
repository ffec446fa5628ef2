/**
 * Chat `reasoning_effort` → Anthropic thinking, and per-model defaults.
 *
 * Current Claude models take adaptive thinking with `output_config.effort` (and newer ones reject
 * manual budgets); older ones (Claude 3.x, 4.0, 4.1, 4.5) only know `thinking: {type: "enabled",
 * budget_tokens}`. The model name decides which form goes out. No effort, and `none`, leave the
 * model's default: `thinking: {type: "disabled"}` is rejected (400) by the always-thinking models
 * (Claude Fable 5, Mythos 5), while omitting it is valid everywhere and means "off" on every model
 * whose thinking is off by default.
 *
 * Thinking is not turned on when Anthropic would reject it: while a tool is forced (`tool_choice`
 * any/tool), and in a tool loop whose assistant turn came back without its thinking blocks (the
 * client did not echo `reasoning_details`), since a thinking request must then start that turn
 * with a signed thinking block.
 */
import type { ConvertOptions, JsonObject } from '../convert.js';

/** Models that only support manual extended thinking (budget_tokens). */
const BUDGET_ONLY = /^claude-(?:3|(?:opus|sonnet|haiku)-4(?:$|-[015](?:$|-)|-\d{8}))/;

export function usesBudgetThinking(model: string): boolean {
  return BUDGET_ONLY.test(model);
}

const EFFORTS: Record<string, string> = { minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'max' };
const BUDGETS: Record<string, number> = { low: 2048, medium: 8192, high: 24576, xhigh: 32768, max: 32768 };
/** Anthropic's smallest thinking budget. */
const MIN_BUDGET = 1024;

/** Sets `thinking` (and `output_config.effort`) on `out`; returns whether thinking is on. */
export function applyReasoning(effort: unknown, model: string, out: JsonObject, opts: ConvertOptions): boolean {
  if (typeof effort !== 'string' || !effort || effort === 'none') return false;
  const blocked = thinkingBlocker(out);
  if (blocked) {
    opts.onDrop?.('reasoning_effort', blocked);
    return false;
  }
  const level = EFFORTS[effort] ?? 'medium';
  if (!EFFORTS[effort]) opts.onDrop?.('reasoning_effort', `unknown effort ${effort} sent as medium`);
  if (!usesBudgetThinking(model)) {
    out.thinking = { type: 'adaptive' };
    out.output_config = { ...(out.output_config as JsonObject | undefined), effort: level };
    return true;
  }
  const maxTokens = typeof out.max_tokens === 'number' ? out.max_tokens : 0;
  // budget_tokens must stay below max_tokens; without room for MIN_BUDGET there is no thinking.
  const budget = Math.min(BUDGETS[level] ?? 8192, maxTokens - 1);
  if (budget < MIN_BUDGET) {
    opts.onDrop?.('reasoning_effort', `max_tokens ${maxTokens} leaves no room for a thinking budget`);
    return false;
  }
  out.thinking = { type: 'enabled', budget_tokens: budget };
  return true;
}

/** A `max_tokens` the model accepts when the Chat client sent none (Anthropic requires one). */
export function defaultMaxTokens(model: string): number {
  if (/^claude-3-(?:opus|sonnet|haiku)-2024/.test(model) || /^claude-3-haiku/.test(model)) return 4096;
  if (/^claude-3/.test(model)) return 8192;
  return 32000;
}

interface TurnView {
  role: string;
  content: { type?: string }[];
}

/** Why thinking cannot be requested for this (already converted) request, or null. */
function thinkingBlocker(out: JsonObject): string | null {
  const choice = (out.tool_choice as { type?: string } | undefined)?.type;
  if (choice === 'any' || choice === 'tool') return 'Anthropic cannot think while a tool is forced';
  const turns = (out.messages as TurnView[] | undefined) ?? [];
  const last = turns[turns.length - 1];
  const previous = turns[turns.length - 2];
  const inToolLoop = last?.role === 'user' && last.content.some((b) => b.type === 'tool_result') && previous?.role === 'assistant';
  if (inToolLoop && !previous.content.some((b) => b.type === 'thinking' || b.type === 'redacted_thinking')) {
    return "the client did not send back this tool loop's thinking (reasoning_details), so it cannot continue with thinking";
  }
  return null;
}
