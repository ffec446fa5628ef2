/**
 * Reasoning effort ⇄ Anthropic thinking, for both OpenAI client APIs (Chat `reasoning_effort`,
 * Responses `reasoning.effort`), so the four Anthropic ⇄ Chat/Responses directions cannot drift.
 *
 * Effort → thinking (chat-to-anthropic, responses-to-anthropic): current Claude models take
 * adaptive thinking with `output_config.effort` (and newer ones reject manual budgets); older ones
 * (Claude 3.x, 4.0, 4.1, 4.5) only know `thinking: {type: "enabled", budget_tokens}`. The model
 * name decides which form goes out. No effort, and `none`, leave thinking out: `{type: "disabled"}`
 * is rejected (400) by the always-thinking models (Claude Fable 5, Mythos 5), while omitting it is
 * valid everywhere and means "off" on every model whose thinking is off by default. Thinking is
 * also left out when Anthropic would reject it: while a tool is forced (`tool_choice` any/tool),
 * and in a tool loop whose assistant turn has no Anthropic thinking to continue from (the client
 * did not echo it, or it came from another vendor and was dropped), since a thinking request must
 * then start that turn with a signed thinking block.
 *
 * Thinking → effort (anthropic-to-chat, anthropic-to-responses): `output_config.effort` wins, else
 * a manual budget picks low/medium/high; adaptive alone uses the target's default; disabled or
 * absent sends none. Levels a target lacks are mapped down and reported.
 */
import type { ConvertOptions, JsonObject } from '../types.js';

/** Models that only support manual extended thinking (budget_tokens). */
const BUDGET_ONLY = /^claude-(?:3|(?:opus|sonnet|haiku)-4(?:$|-[015](?:$|-)|-\d{8}))/;

export function usesBudgetThinking(model: string): boolean {
  return BUDGET_ONLY.test(model);
}

/** A `max_tokens` the model accepts when the OpenAI client sent none (Anthropic requires one). */
export function defaultMaxTokens(model: string): number {
  if (/^claude-3-(?:opus|sonnet|haiku)-2024/.test(model) || /^claude-3-haiku/.test(model)) return 4096;
  if (/^claude-3/.test(model)) return 8192;
  return 32000;
}

/** OpenAI effort (Chat or Responses) → Anthropic effort level. */
const ANTHROPIC_EFFORT: Record<string, string> = { minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'max' };
/** Manual budgets for models without adaptive thinking. */
const BUDGETS: Record<string, number> = { low: 2048, medium: 8192, high: 24576, xhigh: 32768, max: 32768 };
/** Anthropic's smallest thinking budget. */
const MIN_BUDGET = 1024;

export interface EffortTarget {
  /** The converted Anthropic request (messages, tool_choice and max_tokens already set). */
  out: JsonObject;
  model: string;
  /** The client field reported through onDrop (`reasoning_effort`, `reasoning`). */
  field: string;
  opts: ConvertOptions;
}

/** Sets `thinking` (and `output_config.effort`) on `target.out`; returns whether thinking is on. */
export function applyReasoningEffort(effort: unknown, { out, model, field, opts }: EffortTarget): boolean {
  if (typeof effort !== 'string' || !effort || effort === 'none') return false;
  const blocked = thinkingBlocker(out);
  if (blocked) {
    opts.onDrop?.(field, blocked);
    return false;
  }
  const level = ANTHROPIC_EFFORT[effort] ?? 'medium';
  if (!ANTHROPIC_EFFORT[effort]) opts.onDrop?.(field, `unknown effort ${effort} sent as medium`);
  if (!usesBudgetThinking(model)) {
    out.thinking = { type: 'adaptive' };
    out.output_config = { ...(out.output_config as JsonObject | undefined), effort: level };
    return true;
  }
  const maxTokens = typeof out.max_tokens === 'number' ? out.max_tokens : 0;
  // budget_tokens must stay below max_tokens; without room for MIN_BUDGET there is no thinking.
  const budget = Math.min(BUDGETS[level] ?? 8192, maxTokens - 1);
  if (budget < MIN_BUDGET) {
    opts.onDrop?.(field, `max_tokens ${maxTokens} leaves no room for a thinking budget`);
    return false;
  }
  out.thinking = { type: 'enabled', budget_tokens: budget };
  return true;
}

interface TurnView {
  role: string;
  content: { type?: string }[];
}

/** Why thinking cannot be requested for this (already converted) request, or null. */
function thinkingBlocker(out: JsonObject): string | null {
  const choice = (out.tool_choice as { type?: string } | undefined)?.type;
  if (choice === 'any' || choice === 'tool') return 'Anthropic cannot think while a tool is forced';
  // Mid-conversation system messages do not count as turns.
  const turns = ((out.messages as TurnView[] | undefined) ?? []).filter((t) => t.role !== 'system');
  const last = turns[turns.length - 1];
  const previous = turns[turns.length - 2];
  const inToolLoop = last?.role === 'user' && last.content.some((b) => b.type === 'tool_result') && previous?.role === 'assistant';
  const first = previous?.content[0]?.type;
  if (inToolLoop && first !== 'thinking' && first !== 'redacted_thinking') {
    return "this tool loop's assistant turn has no Anthropic thinking to continue from (the client did not send it back, or another vendor produced it), so it cannot continue with thinking";
  }
  return null;
}

/** Which OpenAI API the effort goes to, and how each Anthropic level is spelled there. */
const OPENAI_EFFORT: Record<'chat' | 'responses', { levels: Record<string, string>; adaptive: string | null }> = {
  // xhigh/max are not widely accepted by Chat servers; adaptive alone leaves the server default.
  chat: { levels: { low: 'low', medium: 'medium', high: 'high', xhigh: 'high', max: 'high' }, adaptive: null },
  // Responses only returns reasoning (encrypted_content) when asked, so adaptive asks for medium.
  responses: { levels: { low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'xhigh' }, adaptive: 'medium' },
};

/** Anthropic request `thinking` / `output_config.effort` → the target's reasoning effort, or null. */
export function openaiReasoningEffort(target: 'chat' | 'responses', body: JsonObject, opts: ConvertOptions): string | null {
  const { levels, adaptive } = OPENAI_EFFORT[target];
  const thinking = body.thinking as { type?: string; budget_tokens?: number } | undefined;
  if (thinking?.type === 'disabled') return null;
  const configured = (body.output_config as { effort?: string | null } | undefined)?.effort;
  if (configured) {
    const mapped = levels[configured];
    if (mapped) {
      if (mapped !== configured) opts.onDrop?.('output_config.effort', `${configured} sent as ${mapped}`);
      return mapped;
    }
    opts.onDrop?.('output_config.effort', `unknown effort ${configured} ignored`);
  }
  if (thinking?.type === 'enabled') {
    const budget = thinking.budget_tokens ?? 0;
    return budget < 4096 ? 'low' : budget < 16384 ? 'medium' : 'high';
  }
  return thinking?.type === 'adaptive' ? adaptive : null;
}
