/** `GET /usage` query parameters → a filter and a grouping; a message for the 400 otherwise. */
import { GROUPS, durationMs, timeMs, type GroupBy, type UsageFilter } from './query.js';

export type ParsedQuery = { ok: true; filter: UsageFilter; groupBy: GroupBy } | { ok: false; message: string };

export function parseUsageQuery(q: Record<string, unknown>, now: number): ParsedQuery {
  const str = (k: string): string | undefined => (typeof q[k] === 'string' && q[k] !== '' ? q[k] : undefined);
  const filter: UsageFilter = { provider: str('provider'), model: str('model'), client: str('client'), api: str('api') };
  const since = str('since');
  if (since !== undefined) {
    const ms = durationMs(since);
    if (ms === undefined) return { ok: false, message: `since must be a duration like 7d, 24h or 30m, got "${since}"` };
    filter.from = now - ms;
  }
  for (const k of ['from', 'to'] as const) {
    const v = str(k);
    if (v === undefined) continue;
    const ms = timeMs(v);
    if (ms === undefined) return { ok: false, message: `${k} must be an ISO 8601 date or time, or ms since epoch, got "${v}"` };
    filter[k] = ms;
  }
  const groupBy = (str('group_by') ?? 'day') as GroupBy;
  if (!GROUPS.includes(groupBy)) return { ok: false, message: `group_by must be one of ${GROUPS.join(', ')}, got "${groupBy}"` };
  return { ok: true, filter, groupBy };
}
