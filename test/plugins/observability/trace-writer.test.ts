/**
 * The request tracer's folders: at most `keep` (the oldest go first, across restarts too), and a
 * request id that is not a plain name still lands inside the traces directory.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TraceWriter } from '../../../src/plugins/request_tracer/writer.js';
import { requestRecord } from '../../../src/plugin.js';
import { tempHome } from './harness.js';

const homes: string[] = [];
afterAll(async () => {
  await Promise.all(homes.map((h) => fs.rm(h, { recursive: true, force: true })));
});

function exchange(w: TraceWriter, requestId: string): void {
  w.piece({ requestId, plugin: 'openai', timestamp: Date.now(), leg: 'client', part: 'request', method: 'POST', url: '/openai/v1/chat/completions', headers: {}, body: '{}' });
  w.finish(requestId, requestRecord({ requestId, plugin: 'openai', timestamp: Date.now(), status: 200, durationMs: 1 }));
}

describe('trace folders', () => {
  it('keeps the newest `keep`, counting those a previous run left', async () => {
    const { home } = await tempHome('ccproxy-traces-');
    homes.push(home);
    const root = path.join(home, 'traces');
    const first = new TraceWriter(root, 2);
    exchange(first, 'req-1');
    exchange(first, 'req-2');
    first.close();
    await expect.poll(async () => (await fs.readdir(path.join(root, 'req-2'))).includes('meta.json')).toBe(true);
    expect((await fs.readdir(root)).sort()).toEqual(['req-1', 'req-2']);
    // Folder times say which is older (both were written within the same millisecond here).
    const hourAgo = new Date(Date.now() - 3_600_000);
    await fs.utimes(path.join(root, 'req-1'), hourAgo, hourAgo);
    const second = new TraceWriter(root, 2);
    exchange(second, 'req-3');
    second.close();
    expect((await fs.readdir(root)).sort()).toEqual(['req-2', 'req-3']);
  });

  it('turns a request id that is not a plain name into one inside the directory', async () => {
    const { home } = await tempHome('ccproxy-traces-');
    homes.push(home);
    const root = path.join(home, 'traces');
    const w = new TraceWriter(root, 10);
    exchange(w, '../../escape');
    exchange(w, '..');
    w.close();
    expect((await fs.readdir(root)).sort()).toEqual(['.._.._escape', '_..']);
    expect((await fs.readdir(home)).sort()).toEqual(['traces']);
  });
});
