/**
 * ChatGPT backend failures that need more than the core's generic upstream error mapping: the
 * subscription usage limit (with its reset time) and a turn that failed inside a 200 stream.
 */
import { UpstreamError, type JsonObject } from '../../plugin.js';

const PLUGIN = 'codex';

/**
 * The backend's 429 for an exhausted subscription window carries when it resets
 * (`{"error": {"type": "usage_limit_reached", "resets_in_seconds": N, "plan_type": ...}}`):
 * say so, and pass it on as `retry-after` so clients wait instead of hammering.
 */
export function usageLimitError(err: UpstreamError): UpstreamError | null {
  if (err.upstreamStatus !== 429) return null;
  const body = err.upstreamBody as { error?: { type?: string; message?: string; resets_in_seconds?: unknown; plan_type?: unknown } } | undefined;
  const e = body?.error;
  const resets = typeof e?.resets_in_seconds === 'number' ? Math.max(0, Math.ceil(e.resets_in_seconds)) : undefined;
  if (!e || (e.type !== 'usage_limit_reached' && resets === undefined)) return null;
  const plan = typeof e.plan_type === 'string' ? ` (${e.plan_type} plan)` : '';
  const when = resets === undefined ? '' : `; resets in ${resets >= 3600 ? `${Math.floor(resets / 3600)}h ${Math.floor((resets % 3600) / 60)}m` : `${Math.ceil(resets / 60)}m`}`;
  return new UpstreamError(429, `ChatGPT usage limit reached${plan}${when}: ${e.message ?? 'try again later'}`, {
    plugin: PLUGIN,
    code: 'usage_limit_reached',
    retryAfter: resets ?? err.retryAfter,
    headers: err.headers,
    upstreamBody: err.upstreamBody,
    upstreamHeaders: err.upstreamHeaders,
  });
}

/** A non-stream client gets a failed turn as an error status, not as a 200 with an error inside. */
export function throwIfFailed(full: JsonObject): void {
  if (full.status !== 'failed') return;
  const error = (full.error ?? {}) as { code?: string; message?: string };
  const code = error.code ?? 'server_error';
  const status = code === 'rate_limit_exceeded' ? 429
    : code === 'context_length_exceeded' || code === 'invalid_prompt' ? 400
    : 502;
  throw new UpstreamError(status, error.message ?? 'The ChatGPT backend reported a failed response', {
    plugin: PLUGIN,
    code,
    upstreamBody: full.error,
  });
}
