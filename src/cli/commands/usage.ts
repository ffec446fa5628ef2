/**
 * `ccproxy usage [--since 7d] [--by model|provider|day]`: tokens and API-equivalent cost from the
 * usage plugin's database, as a table with totals. Reads the file directly (read-only), so it
 * works whether or not a proxy is running.
 */
import { existsSync } from 'node:fs';
import { loadSettings } from '../../core/config/load.js';
import { dataDirFrom } from '../../core/dirs.js';
import { UsageConfigSchema } from '../../plugins/usage/config.js';
import { usageDbPath } from '../../plugins/usage/plugin.js';
import { GROUPS, durationMs, usageReport, type GroupBy, type UsageTotals } from '../../plugins/usage/query.js';
import { openUsageDb } from '../../plugins/usage/store.js';
import type { GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { table } from '../table.js';

export interface UsageOptions extends GlobalOptions {
  since?: string;
  by?: string;
  provider?: string;
  model?: string;
  client?: string;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const usd = (n: number): string => `$${n.toFixed(n >= 100 ? 2 : 4)}`;

function cells(key: string, t: UsageTotals): string[] {
  return [key, int(t.requests), int(t.failed), int(t.input_tokens), int(t.cache_read_tokens), int(t.cache_write_tokens), int(t.output_tokens), usd(t.cost_usd)];
}

export async function usageCommand(opts: UsageOptions): Promise<void> {
  const env = opts.env ?? process.env;
  const since = opts.since ?? '7d';
  const sinceMs = durationMs(since);
  if (sinceMs === undefined) throw new UsageError(`--since must be a duration like 7d, 24h or 30m, got "${since}"`);
  const by = (opts.by ?? 'day') as GroupBy;
  if (!GROUPS.includes(by)) throw new UsageError(`--by must be one of ${GROUPS.join(', ')}, got "${opts.by}"`);

  const { settings } = await loadSettings({ configFile: opts.config, env, cwd: opts.cwd });
  const config = UsageConfigSchema.parse(settings.plugins.usage ?? {});
  const file = usageDbPath(config, dataDirFrom(env));
  if (!existsSync(file)) {
    process.stdout.write(`No usage recorded yet (no database at ${file}; the usage plugin creates it when the proxy starts).\n`);
    return;
  }
  const db = openUsageDb(file, { readonly: true });
  try {
    const report = usageReport(db, { from: Date.now() - sinceMs, provider: opts.provider, model: opts.model, client: opts.client }, by);
    if (report.total.requests === 0) {
      process.stdout.write(`No requests in the last ${since}.\n`);
      return;
    }
    const rows = report.rows.map((r) => cells(r.key, r));
    rows.push(cells('TOTAL', report.total));
    process.stdout.write(`Usage in the last ${since} (from ${report.from}), by ${by}; cost is the API-equivalent list price:\n`);
    process.stdout.write(table([by.toUpperCase(), 'REQUESTS', 'FAILED', 'INPUT', 'CACHE READ', 'CACHE WRITE', 'OUTPUT', 'COST'], rows));
    if (report.total.unpriced_requests > 0) {
      process.stdout.write(`${report.total.unpriced_requests} request(s) used a model with no price: not in COST (add it under [plugins.usage.pricing]).\n`);
    }
  } finally {
    db.close();
  }
}
