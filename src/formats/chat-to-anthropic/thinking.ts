/**
 * Chat `reasoning_effort` → Anthropic thinking, and per-model defaults.
 *
 * Current Claude models take adaptive thinking with `output_config.effort` (and newer ones reject
 * manual budgets); older ones (Claude 3.x, 4.0, 4.1, 4.5) only know `thinking: {type: "enabled",
 * budget_tokens}`. The model name decides which form goes out. `none` turns thinking off; no
 * effort leaves the model's default.
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
  if (typeof effort !== 'string' || !effort) return false;
  if (effort === 'none') {
    out.thinking = { type: 'disabled' };
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
