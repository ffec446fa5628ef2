/**
 * One finished request as the observability plugins record it (access log lines, usage rows,
 * metrics labels, the dashboard feed): flat, snake_case, metadata only. No body, no header, no
 * credential can reach it: it is built from the event's fields alone.
 */
import type { Usage } from '../formats/types.js';
import type { RequestEvents } from './events.js';

export type FinishedEvent = RequestEvents['request.completed'] | RequestEvents['request.failed'];

/** Token counts of one request; input excludes what was read from or written to the cache. */
export interface TokenCounts {
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /** Includes reasoning. */
  output_tokens: number;
  /** Part of output_tokens. */
  reasoning_tokens: number;
}

export interface RequestRecord {
  /** When the request started (ISO 8601, UTC). */
  time: string;
  /** ms since epoch, start. */
  started_ms: number;
  request_id: string;
  /** Client API: anthropic, chat, responses. */
  api: string | null;
  route: string | null;
  provider: string;
  account: string | null;
  client: string | null;
  requested_model: string | null;
  /** The model the upstream reported, else the one asked for. */
  model: string | null;
  status: number;
  ok: boolean;
  stream: boolean | null;
  duration_ms: number;
  ttfb_ms: number | null;
  /** null when the provider reported no usage (failures, count_tokens). */
  usage: TokenCounts | null;
  error_type: string | null;
  error: string | null;
}

function tokenCounts(u: Usage | undefined): TokenCounts | null {
  if (!u) return null;
  return {
    input_tokens: u.uncachedInputTokens,
    cache_read_tokens: u.cacheReadTokens,
    cache_write_tokens: u.cacheWriteTokens,
    output_tokens: u.outputTokens,
    reasoning_tokens: u.reasoningTokens,
  };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

export function requestRecord(e: FinishedEvent): RequestRecord {
  const failed = 'error' in e ? e : undefined;
  const started = Math.round(e.timestamp - e.durationMs);
  return {
    time: new Date(started).toISOString(),
    started_ms: started,
    request_id: e.requestId,
    api: e.api ?? null,
    route: e.route ?? null,
    provider: e.plugin,
    account: e.account ?? null,
    client: e.client ?? null,
    requested_model: e.requestedModel ?? e.model ?? null,
    model: e.model ?? e.requestedModel ?? null,
    status: e.status,
    ok: failed === undefined,
    stream: e.stream ?? null,
    duration_ms: round(e.durationMs),
    ttfb_ms: e.ttfbMs === undefined ? null : round(e.ttfbMs),
    usage: 'usage' in e ? tokenCounts(e.usage) : null,
    error_type: failed ? (failed.kind ?? failed.code ?? 'error') : null,
    error: failed?.error ?? null,
  };
}
