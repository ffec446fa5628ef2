/**
 * A provider's health check (one IETF `checks` entry) from what it noticed: notes with a level
 * (`fail`, `warn`, or `pass` for something worth saying that is not a problem), its details, and
 * the last upstream outcome. The status is the worst level; the output says every note in order,
 * or `ok` when there is none.
 *
 * @example
 * return healthReport({ componentId: 'acme', notes: [{ level: 'warn', message: 'no API key' }], details: { key: 'missing' } });
 */
import type { HealthCheckResult } from '../plugin.js';

export type HealthLevel = 'pass' | 'warn' | 'fail';

export interface HealthNote {
  level: HealthLevel;
  message: string;
}

export interface HealthReportOptions {
  componentId: string;
  /** Default `provider`. */
  componentType?: string;
  notes: readonly HealthNote[];
  details?: Record<string, unknown>;
  version?: string;
  /** The output when there are no notes (none by default). */
  ok?: string;
  /** ms since epoch (tests). */
  now?: number;
}

const RANK: Record<HealthLevel, number> = { pass: 0, warn: 1, fail: 2 };

export function healthReport(o: HealthReportOptions): HealthCheckResult {
  let status: HealthLevel = 'pass';
  for (const n of o.notes) if (RANK[n.level] > RANK[status]) status = n.level;
  const output = o.notes.map((n) => n.message).join('; ') || o.ok;
  return {
    status,
    componentId: o.componentId,
    componentType: o.componentType ?? 'provider',
    ...(o.version !== undefined ? { version: o.version } : {}),
    time: new Date(o.now ?? Date.now()).toISOString(),
    ...(output ? { output } : {}),
    ...(o.details ? { details: o.details } : {}),
  };
}

/** The last upstream response as health details show it (`{ status, at }` with an ISO time), or null. */
export function lastResponseDetail(last: { status: number; at: number } | null | undefined): { status: number; at: string } | null {
  return last ? { status: last.status, at: new Date(last.at).toISOString() } : null;
}
