/**
 * `npm run bench` (after `npm run build`): one run, on this machine, of a lean fake upstream, the
 * built ccproxy (`dist/`), two floors (a bare node:http + undici forwarder, and the same behind
 * Fastify) and the peers (`@portkey-ai/gateway`, `@musistudio/claude-code-router`, installed into
 * bench/peers/), driven by autocannon. Writes bench/results.json and the benchmark sections of
 * docs/performance.md (other sections are kept).
 *
 * Options: `--quick` (shorter runs, for trying the harness), `--no-peer`, `--report-only`
 * (rewrite docs/performance.md from the last bench/results.json without measuring),
 * `--baseline DIR LABEL` (also run another build's `dist/` as target "baseline", e.g. main
 * before a change, so before and after are measured in one run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetch } from 'undici';
import { concurrentStreams, latencyC1, rssMb, startNode, stop, throughput } from './lib/measure.mjs';
import { evaluateFloorTargets, evaluateTargets, writeReport } from './lib/report.mjs';
import { installedPeers, RunningPeers } from './lib/peers.mjs';
import { prepare } from './lib/setup.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = path.join(ROOT, 'bench');
const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 2 : 3;
const TP_ROUNDS = QUICK ? 1 : 5;
const C1_N = QUICK ? 100 : 300;
// The first round warms each server up to its steady state (V8 has optimized the request path:
// a proxy in use has served thousands of requests); later rounds only re-open the connection.
const C1_WARMUP = QUICK ? 300 : 2000;
const C1_REWARM = QUICK ? 20 : 100;
const C1_ROUNDS = QUICK ? 1 : 5;
const CONNECTIONS = 8;
const baselineAt = process.argv.indexOf('--baseline');
const BASELINE = baselineAt === -1 ? undefined : { dist: path.resolve(process.argv[baselineAt + 1]), label: process.argv[baselineAt + 2] ?? 'baseline build' };
const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

/** One request's status and body start, to say why a target failed a workload. */
async function sampleFailure(url, headers, body) {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return `HTTP ${res.status}: ${(await res.text()).slice(0, 120)}`;
  } catch (err) {
    return String(err).slice(0, 120);
  }
}

async function main() {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
  const peerList = process.argv.includes('--no-peer') ? [] : installedPeers(log);
  const { tmp, workloads, streams500: slowSpecs, startCcproxy: startProxyAt } = await prepare();
  const startCcproxy = (_tmp, upstream, opts) => startProxyAt(upstream, opts);

  log('starting the fake upstream');
  const up = await startNode([path.join(BENCH, 'fake-upstream.mjs')]);
  const upstream = `http://127.0.0.1:${up.port}`;

  // Start to ready, with CLI detection on (it must run in the background, never delay startup).
  const readyRuns = [];
  for (let i = 0; i < 3; i++) {
    const s = await startCcproxy(tmp, upstream, { detection: true });
    readyRuns.push(s.readyMs);
    await stop(s);
  }
  readyRuns.sort((a, b) => a - b);
  log(`start to ready: ${readyRuns.map((r) => r.toFixed(0)).join(', ')} ms`);

  const ccproxy = await startCcproxy(tmp, upstream);
  const ccUrl = `http://127.0.0.1:${ccproxy.port}`;
  const rssIdle = rssMb(ccproxy.pid);
  log(`ccproxy ready on ${ccproxy.port}, idle RSS ${rssIdle.toFixed(1)} MB`);
  const baseline = BASELINE && (await startCcproxy(tmp, upstream, { dist: BASELINE.dist }));
  // The same build with every observability plugin on (issue 19): what watching costs.
  const observed = await startCcproxy(tmp, upstream, { observability: true });
  const bare = await startNode([path.join(BENCH, 'bare-forwarder.mjs')], { env: { UPSTREAM: upstream } });
  const fastify = await startNode([path.join(BENCH, 'bare-forwarder.mjs')], { env: { UPSTREAM: upstream, MODE: 'fastify' } });
  const targets = {
    direct: { base: upstream, headers: {} },
    ccproxy: { base: ccUrl, headers: {} },
    bare: { base: `http://127.0.0.1:${bare.port}`, headers: {} },
    fastify: { base: `http://127.0.0.1:${fastify.port}`, headers: {} },
    ...(baseline ? { baseline: { base: `http://127.0.0.1:${baseline.port}`, headers: {} } } : {}),
    observed: { base: `http://127.0.0.1:${observed.port}`, headers: {} },
  };
  const peers = new RunningPeers({ upstream, tmp, log });
  await peers.start(peerList);
  const targetOf = (name) => {
    const p = peers.get(name);
    return p ? { base: p.server.base, headers: p.server.headers } : targets[name];
  };

  // Every (workload, target) cell that applies: the Fastify floor forwards the same requests as the bare one.
  const cells = [];
  for (const w of workloads) {
    for (const name of [...Object.keys(targets), ...peers.list.map((p) => p.id)]) {
      const spec = w[name] ?? (name === 'fastify' ? w.bare : name === 'baseline' || name === 'observed' ? w.ccproxy : undefined);
      if (spec) cells.push({ w, name, path: spec[0], body: spec[1] });
    }
  }
  const urlOf = (c) => `${targetOf(c.name).base}${c.path}`;

  // Latency first, on servers no load has touched yet: one developer's requests, one at a time,
  // is how a local proxy is used. Throughput floods grow V8's heap and leave GC work behind that
  // would slow the sequential requests measured after them (≈ +0.1–0.2 ms here). Five rounds
  // over all cells, median of the rounds: a moment of noise on the machine then hits one round of
  // every target instead of all of one target's samples. "Added" pairs each round's p50 with the
  // direct p50 of the same round (measured just before it), as the throughput ratios do.
  const rounds = new Map(cells.map((c) => [c, []]));
  for (let round = 0; round < C1_ROUNDS; round++) {
    for (const c of cells) {
      await peers.ensureUp(c.name);
      rounds.get(c).push(await latencyC1({ url: urlOf(c), headers: targetOf(c.name).headers, body: c.body, n: C1_N, warmup: round === 0 ? C1_WARMUP : C1_REWARM }));
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  log('latency at concurrency 1 measured; throughput next');

  // Throughput: per workload, TP_ROUNDS short runs of every target, interleaved; the median run
  // counts (one 5 s run per cell moved by ±25 % between runs here). Ratios between targets are the
  // median of the per-round ratios (report.mjs): the machine's speed drifts between rounds, and the
  // runs of one round are next to each other in time.
  const results = [];
  for (const w of workloads) {
    const row = { id: w.id, name: w.name, stream: w.stream, targets: {} };
    const wcells = cells.filter((x) => x.w === w);
    const runs = new Map(wcells.map((c) => [c, []]));
    for (let round = 0; round < TP_ROUNDS; round++) {
      for (const c of wcells) {
        await peers.ensureUp(c.name);
        runs.get(c).push(await throughput({ url: urlOf(c), headers: targetOf(c.name).headers, body: c.body, connections: CONNECTIONS, seconds: SECONDS }));
        if (c.name === 'ccproxy') c.rssMb = rssMb(ccproxy.pid);
        if (c.name === 'observed') c.rssMb = rssMb(observed.pid);
      }
    }
    const directRounds = rounds.get(wcells.find((x) => x.name === 'direct'));
    for (const c of wcells) {
      const { name, body } = c;
      const r = rounds.get(c);
      const c1 = { p50: median(r.map((x) => x.p50)), p99: median(r.map((x) => x.p99)), ttfb50: median(r.map((x) => x.ttfb50)), errors: r.reduce((n, x) => n + x.errors, 0) };
      const tpRuns = runs.get(c);
      const tp = tpRuns.slice().sort((a, b) => a.rps - b.rps)[Math.floor(tpRuns.length / 2)];
      const tpErrors = tpRuns.reduce((n, x) => n + x.errors, 0);
      const tpTotal = tpRuns.reduce((n, x) => n + x.total, 0);
      const entry = { rps: tp.rps, rpsRuns: tpRuns.map((x) => Math.round(x.rps)), p50: tp.p50, p99: tp.p99, c1p50: c1.p50, c1p50Runs: r.map((x) => x.p50), c1p99: c1.p99, ttfb: w.stream ? c1.ttfb50 : undefined, errors: tpErrors + c1.errors };
      if (name !== 'direct') entry.c1Added = median(r.map((x, i) => x.p50 - directRounds[i].p50));
      if (name === 'ccproxy' || name === 'observed') entry.rssMb = c.rssMb;
      // A target that fails most requests does not support the workload: its speed means nothing.
      if (entry.errors > 0.1 * (tpTotal + C1_ROUNDS * C1_N)) {
        await peers.ensureUp(name);
        entry.failed = await sampleFailure(urlOf(c), targetOf(name).headers, body);
      }
      row.targets[name] = entry;
      log(`${w.id} ${name.padEnd(8)} ${tp.rps.toFixed(0).padStart(6)} req/s (${entry.rpsRuns.join(' / ')})  c1 p50 ${c1.p50.toFixed(3)} ms${w.stream ? `  ttfb ${c1.ttfb50.toFixed(3)} ms` : ''}  errors ${entry.errors}`);
    }
    results.push(row);
  }

  const rssAfterLoad = rssMb(ccproxy.pid);
  await stop(ccproxy);
  // A fresh instance: the throughput runs above grow V8's heap (kept, not leaked), which would
  // otherwise be counted as the cost of holding 500 streams.
  log('500 concurrent streams through a fresh ccproxy');
  const fresh = await startCcproxy(tmp, upstream);
  const [slowPath, slowBody] = slowSpecs.ccproxy;
  const streams500 = await concurrentStreams({ url: `http://127.0.0.1:${fresh.port}${slowPath}`, body: slowBody, n: 500, pid: fresh.pid });
  const peerStreams500 = {};
  for (const p of peers.list) {
    await peers.ensureUp(p.id);
    const [pp, pb] = slowSpecs[p.id];
    peerStreams500[p.id] = await concurrentStreams({ url: `${p.server.base}${pp}`, headers: p.server.headers, body: pb, n: 500, pid: p.server.pid });
    log(`500 streams through ${p.label}: ${peerStreams500[p.id].ok}/500 ok, peak RSS ${peerStreams500[p.id].peakRssMb.toFixed(1)} MB`);
  }
  log(`500 streams: ${streams500.ok}/500 ok, peak RSS ${streams500.peakRssMb.toFixed(1)} MB; RSS after the throughput runs ${rssAfterLoad.toFixed(1)} MB`);

  await Promise.all([stop(fresh), stop(observed), stop(bare), stop(fastify), ...(baseline ? [stop(baseline)] : []), peers.stopAll(stop), stop(up)]);
  rmSync(tmp, { recursive: true, force: true });

  const machine = {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory: spawnSync('free', ['-h'], { encoding: 'utf8' }).stdout.trim(),
    node: process.version,
    loadavg: os.loadavg().map((l) => l.toFixed(2)),
    date: new Date().toISOString(),
  };
  const data = {
    machine,
    settings: { baseline: BASELINE?.label, connections: CONNECTIONS, seconds: SECONDS, tpRounds: TP_ROUNDS, c1Requests: C1_N, c1Warmup: C1_WARMUP, c1Rewarm: C1_REWARM, c1Rounds: C1_ROUNDS, peers: peers.list.map((p) => ({ id: p.id, label: p.label, version: p.version, crashes: p.crashes })) },
    startToReadyMs: readyRuns,
    rss: { idleMb: rssIdle, streams500: streams500, afterLoadMb: rssAfterLoad, peerStreams500 },
    workloads: results,
  };
  data.targets = evaluateTargets(data);
  data.floorTargets = evaluateFloorTargets(data);
  writeFileSync(path.join(BENCH, 'results.json'), `${JSON.stringify(data, null, 2)}\n`);
  writeReport(path.join(ROOT, 'docs/performance.md'), data);
  log('wrote bench/results.json and docs/performance.md');
  for (const t of [...data.floorTargets, ...data.targets]) log(`${t.holds === null ? 'N/A' : t.holds ? 'HOLDS' : 'MISSES'}  ${t.target}: ${t.value}`);
}

function reportOnly() {
  const data = JSON.parse(readFileSync(path.join(BENCH, 'results.json'), 'utf8'));
  data.targets = evaluateTargets(data);
  data.floorTargets = evaluateFloorTargets(data);
  writeFileSync(path.join(BENCH, 'results.json'), `${JSON.stringify(data, null, 2)}\n`);
  writeReport(path.join(ROOT, 'docs/performance.md'), data);
  log('rewrote docs/performance.md from bench/results.json');
}

(process.argv.includes('--report-only') ? Promise.resolve().then(reportOnly) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
