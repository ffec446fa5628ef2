/**
 * `GET /usage` and `ccproxy usage` over a seeded database: totals per day, model and provider add
 * up, filters narrow, costs follow the pricing table (an override included), unpriced models are
 * counted apart, and retention deletes what is older than `retention_days` when the proxy starts.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import type { RequestRecord } from '../../../src/plugin.js';
import { runCli, sandbox, type Sandbox } from '../../cli/run-cli.js';
import { seedRecord, seedUsage } from './seed.js';

const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY;
const dayA = today - 2 * DAY + 3_600_000;
const dayB = today - DAY + 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const PRICING = { 'my-local-*': { input: 1, output: 2 } };

const record = seedRecord;

const SEED: RequestRecord[] = [
  record(dayA, { tokens: { input_tokens: 1000, cache_read_tokens: 2000, cache_write_tokens: 500, output_tokens: 300 } }),
  record(dayA + 1000, { provider: 'openai', api: 'chat', client: 'OpenAI', model: 'gpt-4o', tokens: { input_tokens: 100, output_tokens: 50 } }),
  record(dayB, { model: 'claude-opus-4-5', tokens: { input_tokens: 10, output_tokens: 5 } }),
  record(dayB + 1000, { provider: 'codex', api: 'responses', client: 'codex_cli_rs', model: 'gpt-5', tokens: { input_tokens: 200, cache_read_tokens: 50, output_tokens: 80, reasoning_tokens: 30 } }),
  record(dayB + 2000, { ok: false, status: 529, usage: null, error_type: 'overloaded' }),
  record(dayB + 3000, { provider: 'openai', api: 'chat', client: 'OpenAI', model: 'llama-3-70b', tokens: { input_tokens: 7, output_tokens: 3 } }),
  record(dayB + 4000, { provider: 'openai', api: 'chat', client: 'OpenAI', model: 'my-local-model', tokens: { input_tokens: 1_000_000, output_tokens: 1_000_000 } }),
  // Outside --since 7d, inside the retention.
  record(today - 20 * DAY, { tokens: { input_tokens: 5, output_tokens: 5 } }),
  // Older than the retention: deleted when the proxy starts.
  record(today - 100 * DAY, { tokens: { input_tokens: 999_999, output_tokens: 999_999 } }),
];

const cost = (r: { input: number; output: number; cache_read?: number; cache_write?: number }, t: { i?: number; o?: number; cr?: number; cw?: number }): number =>
  ((t.i ?? 0) * r.input + (t.o ?? 0) * r.output + (t.cr ?? 0) * (r.cache_read ?? 0) + (t.cw ?? 0) * (r.cache_write ?? 0)) / 1e6;
const SONNET = cost({ input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 }, { i: 1000, cr: 2000, cw: 500, o: 300 });
const GPT_4O = cost({ input: 2.5, output: 10 }, { i: 100, o: 50 });
const OPUS = cost({ input: 5, output: 25 }, { i: 10, o: 5 });
const GPT_5 = cost({ input: 1.25, output: 10, cache_read: 0.125 }, { i: 200, cr: 50, o: 80 });
const LOCAL = cost({ input: 1, output: 2 }, { i: 1_000_000, o: 1_000_000 });

let box: Sandbox;
let proxy: RunningProxy;
let dataDir: string;

beforeAll(async () => {
  box = await sandbox();
  dataDir = path.join(box.home, 'data');
  box.env.XDG_DATA_HOME = dataDir;
  seedUsage(dataDir, SEED, PRICING);
  proxy = await startProxy({
    env: box.env,
    overrides: { server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['usage'], plugins: { usage: { retention_days: 30, pricing: PRICING } } },
  });
});

afterAll(async () => {
  await proxy?.close();
  await box?.cleanup();
});

async function usage(query: string): Promise<{ rows: Array<Record<string, number | string>>; total: Record<string, number> }> {
  const res = await fetch(`${proxy.url}/usage?${query}`);
  expect(res.status).toBe(200);
  return await res.json() as { rows: Array<Record<string, number | string>>; total: Record<string, number> };
}

describe('GET /usage over a seeded database', () => {
  it('retention deleted what is older than retention_days at startup, and kept the rest', async () => {
    const all = await usage('since=400d');
    expect(all.total.requests).toBe(8);
    expect(all.total.input_tokens).toBe(1000 + 100 + 10 + 200 + 7 + 1_000_000 + 5);
  });

  it('totals by day', async () => {
    const doc = await usage('since=7d&group_by=day');
    expect(doc.rows.map((r) => [r.key, r.requests, r.failed])).toEqual([[iso(dayA), 2, 0], [iso(dayB), 5, 1]]);
    expect(doc.rows[0]!.cost_usd).toBeCloseTo(SONNET + GPT_4O, 10);
    expect(doc.rows[1]!.cost_usd).toBeCloseTo(OPUS + GPT_5 + LOCAL, 10);
    expect(doc.total).toMatchObject({ requests: 7, failed: 1, unpriced_requests: 1, reasoning_tokens: 30, cache_read_tokens: 2050, cache_write_tokens: 500 });
  });

  it('totals by model and by provider, with filters', async () => {
    const byModel = await usage('since=7d&group_by=model');
    const models = Object.fromEntries(byModel.rows.map((r) => [r.key, r]));
    expect(models['claude-sonnet-4-5']).toMatchObject({ requests: 2, failed: 1, input_tokens: 1000, output_tokens: 300 });
    expect(models['gpt-5']!.cost_usd).toBeCloseTo(GPT_5, 10);
    expect(models['my-local-model']!.cost_usd).toBeCloseTo(LOCAL, 10);
    expect(models['llama-3-70b']).toMatchObject({ cost_usd: 0, unpriced_requests: 1 });

    const byProvider = await usage(`from=${iso(dayB)}&group_by=provider`);
    expect(Object.fromEntries(byProvider.rows.map((r) => [r.key, r.requests]))).toEqual({ claude_api: 2, codex: 1, openai: 2 });

    const claudeOnly = await usage('since=7d&provider=claude_api&model=claude-*');
    expect(claudeOnly.total).toMatchObject({ requests: 3, input_tokens: 1010 });
    const oneDay = await usage(`from=${iso(dayA)}&to=${iso(dayA + DAY)}&client=OpenAI`);
    expect(oneDay.total).toMatchObject({ requests: 1, input_tokens: 100 });
  });
});

describe('ccproxy usage', () => {
  it('prints a table by model with totals', async () => {
    const r = await runCli(['usage', '--since', '7d', '--by', 'model'], box);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(/^MODEL\s+REQUESTS\s+FAILED\s+INPUT\s+CACHE READ\s+CACHE WRITE\s+OUTPUT\s+COST$/);
    const total = lines.find((l) => l.startsWith('TOTAL'))!.split(/\s{2,}/);
    expect(total).toEqual(['TOTAL', '7', '1', '1,001,317', '2,050', '500', '1,000,438', `$${(SONNET + GPT_4O + OPUS + GPT_5 + LOCAL).toFixed(4)}`]);
    expect(r.stdout).toMatch(/^claude-sonnet-4-5\s+2\s+1\s+1,000\s+2,000\s+500\s+300\s+\$/m);
    expect(r.stdout).toContain('1 request(s) used a model with no price');
  });

  it('by day and by provider', async () => {
    const byDay = await runCli(['usage', '--by', 'day'], box);
    expect(byDay.stdout).toMatch(new RegExp(`^${iso(dayA)}\\s+2\\s+0\\s`, 'm'));
    expect(byDay.stdout).toMatch(new RegExp(`^${iso(dayB)}\\s+5\\s+1\\s`, 'm'));
    const byProvider = await runCli(['usage', '--since', '30d', '--by', 'provider'], box);
    expect(byProvider.stdout).toMatch(/^claude_api\s+4\s+1\s/m);
    expect(byProvider.stdout).toMatch(/^TOTAL\s+8\s+1\s/m);
  });

  it('refuses a bad --by and says when nothing was recorded', async () => {
    const bad = await runCli(['usage', '--by', 'colour'], box);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--by must be one of');
    const empty = await sandbox();
    try {
      const none = await runCli(['usage'], empty);
      expect(none.code).toBe(0);
      expect(none.stdout).toContain('No usage recorded yet');
    } finally {
      await empty.cleanup();
    }
  });
});
