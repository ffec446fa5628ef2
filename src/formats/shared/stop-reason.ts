/**
 * Why a reply stopped, between Anthropic `stop_reason` and the OpenAI APIs (Chat `finish_reason`,
 * Responses `status` + `incomplete_details.reason`). Both OpenAI APIs know the same four outcomes,
 * so the tables go through one {@link StopKind}.
 */

export type StopKind = 'stop' | 'length' | 'tool' | 'filter';

const KIND_OF: Record<string, StopKind> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool',
  refusal: 'filter',
};

/** Anthropic stop_reason → outcome (unknown or missing reasons count as a normal stop). */
export function stopKind(stopReason: string | null | undefined): StopKind {
  return KIND_OF[stopReason ?? ''] ?? 'stop';
}

/**
 * Outcome → Anthropic stop_reason. What was actually produced wins over the upstream's label:
 * upstreams report a plain stop after tool calls, or tool calls without any; truncation first,
 * then a refusal (labelled, or a refusal part seen), then tool use.
 */
export function anthropicStopReason(kind: 'length' | 'filter' | null, sawToolUse: boolean, refused: boolean): string {
  if (kind === 'length') return 'max_tokens';
  if (kind === 'filter' || refused) return 'refusal';
  return sawToolUse ? 'tool_use' : 'end_turn';
}
