/**
 * Usage totals over a time range, grouped by day, model, provider, client, API or account: what
 * `GET /usage` answers and `ccproxy usage` prints. Times are UTC; a day is a UTC calendar day.
 */
import type { Db } from './store.js';

export const GROUPS = ['day', 'model', 'provider', 'client', 'api', 'account'] as const;
export type GroupBy = (typeof GROUPS)[number];

export interface UsageFilter {
  /** ms since epoch, inclusive */
  from?: number;
  /** ms since epoch, exclusive */
  to?: number;
  provider?: string;
  /** A model name or glob (`claude-*`). */
  model?: string;
  /** The client program (`claude-cli`, `OpenAI`, …). */
  client?: string;
  /** The client API: anthropic, chat, responses. */
  api?: string;
}

export interface UsageTotals {
  requests: number;
  failed: number;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** API-equivalent cost of the priced requests, USD. */
  cost_usd: number;
  /** Requests whose model has no price (not in cost_usd). */
  unpriced_requests: number;
}

export interface UsageGroup extends UsageTotals {
  key: string;
}

export interface UsageReport {
  from: string | null;
  to: string | null;
  group_by: GroupBy;
  rows: UsageGroup[];
  total: UsageTotals;
}

const KEY: Record<GroupBy, string> = {
  day: "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')",
  model: "COALESCE(model, requested_model, '-')",
  provider: 'provider',
  client: "COALESCE(client, '-')",
  api: "COALESCE(api, '-')",
  account: "COALESCE(account, '-')",
};

const SUMS = `COUNT(*) AS requests, SUM(1 - ok) AS failed,
  SUM(input_tokens) AS input_tokens, SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
  SUM(output_tokens) AS output_tokens, SUM(reasoning_tokens) AS reasoning_tokens,
  COALESCE(SUM(cost_usd), 0) AS cost_usd, SUM(CASE WHEN ok = 1 AND cost_usd IS NULL THEN 1 ELSE 0 END) AS unpriced_requests`;

function where(f: UsageFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown): void => {
    parts.push(sql);
    params.push(v);
  };
  if (f.from !== undefined) add('ts >= ?', f.from);
  if (f.to !== undefined) add('ts < ?', f.to);
  if (f.provider) add('provider = ?', f.provider);
  if (f.model) add('COALESCE(model, requested_model) GLOB ?', f.model);
  if (f.client) add('client = ?', f.client);
  if (f.api) add('api = ?', f.api);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const EMPTY: UsageTotals = {
  requests: 0, failed: 0, input_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 0, reasoning_tokens: 0, cost_usd: 0, unpriced_requests: 0,
};

/** SUM over no rows is NULL: read it as 0. */
function totals(row: Record<string, unknown> | undefined): UsageTotals {
  const out = { ...EMPTY };
  for (const k of Object.keys(EMPTY) as Array<keyof UsageTotals>) out[k] = Number(row?.[k] ?? 0);
  return out;
}

export function usageReport(db: Db, filter: UsageFilter, groupBy: GroupBy): UsageReport {
  const w = where(filter);
  const key = KEY[groupBy];
  // Days in order; other groups by cost, then by volume.
  const order = groupBy === 'day' ? 'key' : 'cost_usd DESC, requests DESC, key';
  const rows = db.prepare(`SELECT ${key} AS key, ${SUMS} FROM requests ${w.sql} GROUP BY key ORDER BY ${order}`).all(...w.params) as Array<Record<string, unknown>>;
  const total = db.prepare(`SELECT ${SUMS} FROM requests ${w.sql}`).get(...w.params) as Record<string, unknown> | undefined;
  return {
    from: filter.from === undefined ? null : new Date(filter.from).toISOString(),
    to: filter.to === undefined ? null : new Date(filter.to).toISOString(),
    group_by: groupBy,
    rows: rows.map((r) => ({ key: String(r.key), ...totals(r) })),
    total: totals(total),
  };
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `7d`, `24h`, `30m`, `2w` → ms; undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const m = /^(\d+)\s*([mhdw])$/i.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : undefined;
}

/** A time as ms since epoch: ISO 8601 (`2026-12-01`, `2026-12-01T10:00:00Z`) or ms since epoch. */
export function timeMs(text: string): number | undefined {
  if (/^\d{10,}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
