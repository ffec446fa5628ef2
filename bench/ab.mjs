/**
 * `node bench/ab.mjs OTHER_DIST [workload ...]`: added p50 at concurrency 1 of this build's dist/
 * against another build's (e.g. main's), interleaved round by round so machine load hits both alike.
 * A quick check of one change; `npm run bench` stays the reference.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latencyC1, startNode, stop } from './lib/measure.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const other = path.resolve(process.argv[2]);
const ids = process.argv.slice(3);
process.argv.push('--no-peer');
const { prepare } = await import('./lib/setup.mjs');
const env = await prepare();
const up = await startNode([path.join(ROOT, 'bench/fake-upstream.mjs')]);
const upstream = `http://127.0.0.1:${up.port}`;
const a = await env.startCcproxy(upstream);
const b = await env.startCcproxy(upstream, { dist: other });
for (const w of env.workloads.filter((x) => ids.length === 0 || ids.includes(x.id))) {
  const [p, body] = w.ccproxy;
  const runs = { this: [], other: [] };
  for (let round = 0; round < 5; round++) {
    for (const [name, s] of [['this', a], ['other', b]]) {
      const r = await latencyC1({ url: `http://127.0.0.1:${s.port}${p}`, body, n: 300, warmup: round === 0 ? 1500 : 100 });
      runs[name].push(r.p50);
    }
  }
  const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(`${w.id.padEnd(4)} this ${med(runs.this).toFixed(3)} ms  other ${med(runs.other).toFixed(3)} ms  (p50 at c=1, median of 5 rounds)`);
}
await Promise.all([stop(a), stop(b), stop(up)]);
