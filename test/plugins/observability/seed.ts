/** A usage database with rows written beforehand, through the usage plugin's own store and pricing. */
import path from 'node:path';
import type { RequestRecord } from '../../../src/plugin.js';
import { UsageConfigSchema } from '../../../src/plugins/usage/config.js';
import { priceTable, usageRow } from '../../../src/plugins/usage/plugin.js';
import { UsageWriter, openUsageDb } from '../../../src/plugins/usage/store.js';

type Tokens = Partial<NonNullable<RequestRecord['usage']>>;

/** A finished request starting at `started` (ms); a Claude Code stream on claude_api unless `r` says otherwise. */
export function seedRecord(started: number, r: Partial<RequestRecord> & { tokens?: Tokens } = {}): RequestRecord {
  const { tokens, ...rest } = r;
  return {
    time: new Date(started).toISOString(), started_ms: started, request_id: `req_${Math.random().toString(36).slice(2)}`, api: 'anthropic',
    route: '/v1/messages', provider: 'claude_api', account: null, client: 'claude-cli', requested_model: null, model: 'claude-sonnet-4-5',
    status: 200, ok: true, stream: true, duration_ms: 100, ttfb_ms: 10, error_type: null, error: null,
    usage: { input_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, output_tokens: 0, reasoning_tokens: 0, ...tokens },
    ...rest,
  };
}

/** Writes `records` into `<dataDir>/ccproxy/usage.db`, priced with `[plugins.usage]` `pricing`. */
export function seedUsage(dataDir: string, records: RequestRecord[], pricing: Record<string, unknown> = {}): void {
  const db = openUsageDb(path.join(dataDir, 'ccproxy', 'usage.db'));
  try {
    const writer = new UsageWriter(db);
    const prices = priceTable(UsageConfigSchema.parse({ pricing }));
    for (const r of records) writer.add(usageRow(r, prices));
    writer.flush();
  } finally {
    db.close();
  }
}
