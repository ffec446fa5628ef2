/**
 * The usage plugin: every finished request recorded in SQLite (tokens, API-equivalent cost, who
 * and what), old rows deleted after `retention_days`, and `GET /usage` for totals by day, model,
 * provider, client, API or account (the dashboard's chart reads it; `ccproxy usage` reads the
 * same database directly).
 */
import path from 'node:path';
import { ValidationError, definePlugin, requestRecord, type FinishedEvent, type RequestRecord } from '../../plugin.js';
import { UsageConfigSchema, type UsageConfig } from './config.js';
import { PriceTable, type Price } from './pricing.js';
import { usageReport } from './query.js';
import { parseUsageQuery } from './request-query.js';
import { openUsageDb, UsageWriter, type UsageRow } from './store.js';

const DAY_MS = 86_400_000;

/** Where the database is: `path` from the config, else under the data dir. */
export function usageDbPath(config: UsageConfig, dataDir: string): string {
  return config.path || path.join(dataDir, 'usage.db');
}

export function priceTable(config: UsageConfig): PriceTable {
  const overrides: Record<string, Price> = {};
  for (const [pattern, p] of Object.entries(config.pricing)) {
    overrides[pattern] = { input: p.input, output: p.output, cache_read: p.cache_read ?? p.input, cache_write: p.cache_write ?? p.input };
  }
  return new PriceTable(overrides);
}

export function usageRow(r: RequestRecord, prices: PriceTable): UsageRow {
  const u = r.usage ?? { input_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 0, reasoning_tokens: 0 };
  return {
    ts: r.started_ms, request_id: r.request_id, provider: r.provider, account: r.account, client: r.client, api: r.api, route: r.route,
    requested_model: r.requested_model, model: r.model, status: r.status, ok: r.ok ? 1 : 0, stream: r.stream === null ? null : r.stream ? 1 : 0,
    duration_ms: r.duration_ms, ttfb_ms: r.ttfb_ms, ...u, cost_usd: r.usage ? prices.costOf(r.model, u) : null, error_type: r.error_type,
  };
}

export const Plugin = definePlugin({
  kind: 'plugin',
  name: 'usage',
  version: '1.0.0',
  description: 'Every request\'s tokens and API-equivalent cost in SQLite; GET /usage totals by day, model, provider, client',
  prefix: '/usage',
  config: UsageConfigSchema,
  async setup({ config, services }) {
    const dbPath = usageDbPath(config, services.dataDir);
    const db = openUsageDb(dbPath);
    const writer = new UsageWriter(db);
    const prune = (): void => {
      if (config.retention_days > 0) writer.deleteBefore(Date.now() - config.retention_days * DAY_MS);
    };
    prune();
    const prices = priceTable(config);
    const record = (e: FinishedEvent): void => writer.add(usageRow(requestRecord(e), prices));
    const off = [services.events.on('request.completed', record), services.events.on('request.failed', record)];
    return {
      routes: async (app) => {
        app.get('/', async (request) => {
          const q = parseUsageQuery(request.query as Record<string, unknown>, Date.now());
          if (!q.ok) throw new ValidationError(q.message, { plugin: 'usage' });
          // Rows still queued belong in the answer (a client asks right after its request ended).
          writer.flush();
          return usageReport(db, q.filter, q.groupBy);
        });
      },
      health: () => ({ status: 'pass', componentId: 'usage', componentType: 'plugin', output: dbPath }),
      tasks: () => [{ name: 'usage_retention', intervalSeconds: 3600, skipInitialRun: true, run: async () => prune() }],
      startupInfo: () => ({ lines: [`usage database: ${dbPath}`] }),
      pageLinks: () => [{ title: 'Usage and API-equivalent cost by day (JSON)', path: '/' }],
      close: async () => {
        for (const f of off) f();
        writer.flush();
        db.close();
      },
    };
  },
});
