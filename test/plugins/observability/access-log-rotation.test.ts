/**
 * The access log's file is rotated by size (access.log → .1 → .2, the oldest dropped, no line lost
 * or split), and the human line says what a person scanning stdout needs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { humanLine } from '../../../src/plugins/access_log/line.js';
import { RotatingFile } from '../../../src/plugins/access_log/rotating-file.js';
import { requestRecord } from '../../../src/plugin.js';
import { tempHome } from './harness.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('rotation', () => {
  it('keeps `keep` rotated files, each under max_bytes, with every line of the newest ones whole', async () => {
    const { home } = await tempHome('ccproxy-rotate-');
    dirs.push(home);
    const file = path.join(home, 'state', 'ccproxy', 'access.log');
    const log = new RotatingFile(file, 1024, 2);
    const line = (i: number): string => `${JSON.stringify({ n: i, pad: 'x'.repeat(80) })}\n`;
    for (let i = 0; i < 60; i++) log.write(line(i));
    await log.close();
    const names = (await fs.readdir(path.dirname(file))).sort();
    expect(names).toEqual(['access.log', 'access.log.1', 'access.log.2']);
    const read = async (name: string): Promise<number[]> =>
      (await fs.readFile(path.join(path.dirname(file), name), 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { n: number }).n);
    const [two, one, current] = [await read('access.log.2'), await read('access.log.1'), await read('access.log')];
    expect([...two, ...one, ...current]).toEqual(Array.from({ length: two.length + one.length + current.length }, (_, k) => 60 - two.length - one.length - current.length + k));
    expect(current.at(-1)).toBe(59);
    for (const name of names) expect((await fs.stat(path.join(path.dirname(file), name))).size).toBeLessThanOrEqual(1024);
  });

  it('appends to an existing file across restarts', async () => {
    const { home } = await tempHome('ccproxy-rotate-');
    dirs.push(home);
    const file = path.join(home, 'access.log');
    const first = new RotatingFile(file, 1 << 20, 1);
    first.write('a\n');
    await first.close();
    const second = new RotatingFile(file, 1 << 20, 1);
    second.write('b\n');
    await second.close();
    expect(await fs.readFile(file, 'utf8')).toBe('a\nb\n');
  });
});

describe('human line', () => {
  it('names time, status, API, provider and account, model, stream, timings, tokens and the error type', () => {
    const ok = requestRecord({
      requestId: 'r1', plugin: 'claude_api', api: 'anthropic', model: 'claude-sonnet-4-5', timestamp: Date.parse('2026-12-04T12:04:05.900Z'),
      status: 200, durationMs: 812, ttfbMs: 95, stream: true, account: 'work',
      usage: { uncachedInputTokens: 12, outputTokens: 40, cacheReadTokens: 300, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
    expect(humanLine(ok)).toBe('[access] 12:04:05 200 anthropic claude_api/work claude-sonnet-4-5 stream 812ms ttfb 95ms in 12 cache 300r/0w out 40\n');
    const failed = requestRecord({ requestId: 'r2', plugin: 'openai', api: 'chat', model: 'gpt-4o', timestamp: Date.now(), status: 429, durationMs: 30, error: 'slow down', kind: 'rate_limit' });
    expect(humanLine(failed)).toMatch(/ 429 chat openai gpt-4o 30ms rate_limit\n$/);
    expect(humanLine(failed)).not.toContain('slow down');
  });
});
