/**
 * Client model name → Codex model, and the reasoning effort to ask for.
 *
 * Claude Code never lets you pick a non-Claude name without configuration, so its names
 * (`claude-opus-5-5`, `claude-sonnet-*`, `claude-haiku-*` for background calls) are mapped by
 * `model_map`; Codex's own names pass through untouched.
 */
import type { ModelAcceptance } from '../../plugin.js';
import type { CodexConfig, ReasoningEffort } from './config.js';

export interface ResolvedModel {
  model: string;
  /** Effort fixed by the mapping (wins over what the client asked for). */
  effort?: ReasoningEffort;
}

/** Names the ChatGPT backend knows itself: sent as they are. */
const CODEX_NATIVE = /^(gpt-|o\d|codex-)/i;

export function resolveModel(requested: string | undefined, config: Pick<CodexConfig, 'model_map' | 'default_model'>): ResolvedModel {
  const name = (requested ?? '').trim();
  const entries = Object.entries(config.model_map);
  const exact = entries.find(([pattern]) => pattern === name);
  const hit = exact ?? entries.find(([pattern]) => pattern.includes('*') && globToRegExp(pattern).test(name));
  if (hit) {
    const target = hit[1];
    return typeof target === 'string' ? { model: target } : { model: target.model, effort: target.reasoning_effort };
  }
  if (name && CODEX_NATIVE.test(name)) return { model: name };
  return { model: config.default_model };
}

/** How codex takes a model it does not list: a name the backend knows, or one model_map maps. */
export function modelAcceptance(requested: string, config: Pick<CodexConfig, 'model_map'>): ModelAcceptance | undefined {
  const name = requested.trim();
  const entries = Object.entries(config.model_map);
  if (entries.some(([pattern]) => pattern === name || (pattern.includes('*') && globToRegExp(pattern).test(name)))) return 'mapped';
  return name && CODEX_NATIVE.test(name) ? 'native' : undefined;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Anthropic `output_config.effort` → Responses effort (`max` is Codex's `xhigh`). */
const ANTHROPIC_EFFORT: Record<string, ReasoningEffort> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  max: 'xhigh',
  xhigh: 'xhigh',
};

/**
 * The effort the client asked for, in any of the three APIs, or undefined.
 *  - Responses: `reasoning.effort`; Chat: `reasoning_effort`.
 *  - Anthropic: `output_config.effort` (Claude Code sends it with adaptive thinking), else the
 *    `thinking.budget_tokens` size, else `thinking.type = disabled` → low (the least the models take).
 */
export function requestedEffort(body: Record<string, unknown>): ReasoningEffort | undefined {
  const reasoning = body.reasoning as { effort?: unknown } | undefined;
  if (typeof reasoning?.effort === 'string') return asEffort(reasoning.effort);
  if (typeof body.reasoning_effort === 'string') return asEffort(body.reasoning_effort);
  const outputConfig = body.output_config as { effort?: unknown } | undefined;
  if (typeof outputConfig?.effort === 'string') return ANTHROPIC_EFFORT[outputConfig.effort];
  const thinking = body.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  if (thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number') {
    if (thinking.budget_tokens <= 4096) return 'low';
    if (thinking.budget_tokens <= 16384) return 'medium';
    return 'high';
  }
  if (thinking?.type === 'disabled') return 'low';
  return undefined;
}

function asEffort(value: string): ReasoningEffort | undefined {
  return (['minimal', 'low', 'medium', 'high', 'xhigh'] as const).find((e) => e === value) ?? ANTHROPIC_EFFORT[value];
}
