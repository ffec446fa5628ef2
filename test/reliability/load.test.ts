/**
 * Load through the real proxy: 500 concurrent streams on the native passthrough all arrive
 * byte-identical to what the upstream sent; and a long run of sequential requests (in a child
 * process with forced GC between samples) shows no memory growth beyond a bound.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anthropicBody, expectQuiet, useFaultProxy } from './helpers.js';

const t = useFaultProxy();

function stream(url: string, body: unknown, agent: Agent): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('load', () => {
  it('500 concurrent streams on /claude/v1/messages all complete byte-identical to the upstream', async () => {
    const N = 500;
    // 50 deltas each, with pauses, so all 500 are really open at the same time.
    t.upstream.fault = { kind: 'ok', deltas: 50, delayMs: 2 };
    const agent = new Agent({ keepAlive: false, maxSockets: N });
    try {
      const replies = await Promise.all(Array.from({ length: N }, (_, i) =>
        stream(`${t.proxy.url}/claude/v1/messages`, anthropicBody(true, { model: `claude-load-${i}` }), agent)));
      expect(t.upstream.requests.length).toBeGreaterThanOrEqual(N);
      const sentByModel = new Map<string, string>();
      t.upstream.requests.forEach((r, idx) => sentByModel.set(String(r.body.model), t.upstream.sent[idx]!));
      let intact = 0;
      replies.forEach((r, i) => {
        const expected = sentByModel.get(`claude-load-${i}`);
        if (r.status === 200 && expected !== undefined && r.body.equals(Buffer.from(expected))) intact++;
      });
      expect(intact).toBe(N);
      await expectQuiet(t.proxy, t.upstream);
    } finally {
      agent.destroy();
    }
  });

  it('10k requests show no memory growth beyond a bound', async () => {
    const script = fileURLToPath(new URL('./fixtures/rss-child.ts', import.meta.url));
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // A bound for a hung child only; the run takes ~15 s alone, minutes on a busy machine.
      const timer = setTimeout(() => child.kill('SIGKILL'), 540_000);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(stdout);
        else reject(new Error(`rss child exited ${code ?? `on ${signal}`}: ${stderr.slice(-2000)}`));
      });
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      requests: number; failed: number; ms: number;
      start: { heap: number; rss: number }; mid: { heap: number; rss: number }; end: { heap: number; rss: number };
    };
    const MB = 1024 * 1024;
    console.log(`memory: ${r.requests} requests in ${r.ms} ms; heap ${(r.start.heap / MB).toFixed(1)} → ${(r.mid.heap / MB).toFixed(1)} → ${(r.end.heap / MB).toFixed(1)} MB; rss ${(r.start.rss / MB).toFixed(1)} → ${(r.end.rss / MB).toFixed(1)} MB`);
    expect(r.failed).toBe(0);
    // Enough requests that a leak of ~800 bytes each would show (4 MB over the 5k of the second half).
    expect(r.requests).toBe(10_000);
    // Live heap after GC: no growth beyond a few MB (a leak of one request object each would be tens of MB).
    expect(r.end.heap - r.start.heap).toBeLessThan(8 * MB);
    // The second half grows no more than noise: a steady leak would keep climbing.
    expect(r.end.heap - r.mid.heap).toBeLessThan(4 * MB);
    // RSS includes allocator slack; bound it generously.
    expect(r.end.rss - r.start.rss).toBeLessThan(64 * MB);
  }, 600_000);
});
