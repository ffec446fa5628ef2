/**
 * `node bench/profile.mjs [w1|w2|...] [--observed]`: run ccproxy (built; with `--observed`, with the
 * observability plugins on as in the bench's "observability on" target) under `--cpu-prof` while autocannon
 * drives one workload for 8 s, then print the top functions by self time (and write the
 * .cpuprofile into bench/.tmp/profiles for Chrome DevTools). Not part of `npm run bench`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, stop, throughput } from './lib/measure.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const which = process.argv[2] ?? 'w1';
const dir = path.join(ROOT, 'bench/.tmp/profiles', which);
process.argv.push('--no-peer');
const { prepare } = await import('./lib/setup.mjs');
const env = await prepare();
const up = await startNode([path.join(ROOT, 'bench/fake-upstream.mjs')]);
const proxy = await env.startCcproxy(`http://127.0.0.1:${up.port}`, { profile: dir, observability: process.argv.includes('--observed') });
const w = env.workloads.find((x) => x.id === which);
const [p, body] = w.ccproxy;
const r = await throughput({ url: `http://127.0.0.1:${proxy.port}${p}`, body, connections: 16, seconds: 8 });
console.log(`${w.name}: ${r.rps.toFixed(0)} req/s`);
await stop(proxy);
await stop(up);

const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1);
const prof = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const self = new Map();
const dt = prof.timeDeltas;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const hits = new Map();
prof.samples.forEach((id, i) => hits.set(id, (hits.get(id) ?? 0) + (dt[i] ?? 0)));
let total = 0;
for (const [id, us] of hits) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*node_modules\//, 'nm:').replace(/^file:\/\/.*\/(dist|src)\//, '$1/')}:${cf.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
}
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
for (const [k, us] of top) console.log(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
console.log(`profile: ${path.join(dir, file)}`);
