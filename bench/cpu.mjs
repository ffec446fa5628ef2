/**
 * `node bench/cpu.mjs [w1,w3,...]` (after `npm run build`): CPU time the proxy process spends per
 * request (utime + stime from /proc, over a fixed number of requests at 16 connections), for the
 * built ccproxy and the two floors (bare node:http + undici, and the same behind Fastify) side by
 * side, three interleaved rounds after a warm-up. Steadier than requests/s on a shared 2-core
 * machine: it does not depend on how much CPU the load generator and the upstream took at the
 * time. Env: N (requests per round, default 20000), WARM (warm-up requests, default 10000),
 * BASELINE (another build's dist/ directory, measured as "before" next to this one). Linux only.
 * Not part of `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startNode, stop } from './lib/measure.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ids = (process.argv.find((a) => /^w\d/.test(a)) ?? 'w1,w3').split(',');
const N = Number(process.env.N ?? 20_000);
const WARM = Number(process.env.WARM ?? 10_000);
process.argv.push('--no-peer');
const { prepare } = await import('./lib/setup.mjs');

/** utime + stime of `pid` in seconds (USER_HZ = 100). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const env = await prepare();
const up = await startNode([path.join(ROOT, 'bench/fake-upstream.mjs')]);
const upstream = `http://127.0.0.1:${up.port}`;
const ccproxy = await env.startCcproxy(upstream);
const floor = await startNode([path.join(ROOT, 'bench/bare-forwarder.mjs')], { env: { UPSTREAM: upstream, MODE: 'fastify' } });
const bare = await startNode([path.join(ROOT, 'bench/bare-forwarder.mjs')], { env: { UPSTREAM: upstream } });
const before = process.env.BASELINE ? await env.startCcproxy(upstream, { dist: path.resolve(process.env.BASELINE) }) : undefined;
const servers = { ccproxy, ...(before ? { before } : {}), 'bare floor': bare, 'Fastify floor': floor };
for (const id of ids) {
  const w = env.workloads.find((x) => x.id === id);
  if (!w) throw new Error(`no workload ${id}`);
  const specs = { ccproxy: w.ccproxy, before: w.ccproxy, 'bare floor': w.bare, 'Fastify floor': w.bare };
  const results = {};
  for (let round = 0; round < 3; round++) {
    for (const [name, srv] of Object.entries(servers)) {
      const spec = specs[name];
      if (!spec) continue;
      const run = (amount) => autocannon({ url: `http://127.0.0.1:${srv.port}${spec[0]}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: spec[1], connections: 16, amount });
      if (round === 0) await run(WARM);
      const before = cpuSeconds(srv.pid);
      const r = await run(N);
      const us = ((cpuSeconds(srv.pid) - before) * 1e6) / N;
      (results[name] ??= []).push(`${us.toFixed(0)}${r.non2xx || r.errors ? ' (errors!)' : ''}`);
    }
  }
  for (const [name, runs] of Object.entries(results)) console.log(`${w.name} · ${name}: ${runs.join(' / ')} µs CPU per request`);
}
await Promise.all([stop(ccproxy), stop(floor), stop(bare), ...(before ? [stop(before)] : []), stop(up)]);
