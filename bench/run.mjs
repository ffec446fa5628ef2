/**
 * `npm run bench` (after `npm run build`): one run, on this machine, of a lean fake upstream, the
 * built ccproxy (`dist/`), a bare node:http+undici forwarder (the floor for any Node proxy) and a
 * peer (`@portkey-ai/gateway`, installed into bench/peers/), driven by autocannon. Writes
 * bench/results.json and the benchmark sections of docs/performance.md (other sections are kept).
 *
 * Options: `--quick` (shorter runs, for trying the harness), `--no-peer`, `--report-only`
 * (rewrite docs/performance.md from the last bench/results.json without measuring).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetch } from 'undici';
import { concurrentStreams, latencyC1, rssMb, startNode, stop, throughput } from './lib/measure.mjs';
import { evaluateTargets, writeReport } from './lib/report.mjs';
import { freePort, prepare } from './lib/setup.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = path.join(ROOT, 'bench');
const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 2 : 5;
const C1_N = QUICK ? 100 : 300;
const CONNECTIONS = 16;
const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

function ensurePeers() {
  if (process.argv.includes('--no-peer')) return null;
  const entry = path.join(BENCH, 'peers/node_modules/@portkey-ai/gateway/build/start-server.js');
  if (!existsSync(entry)) {
    log('installing peers into bench/peers (npm install)...');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: path.join(BENCH, 'peers'), stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(entry)) {
      log('peer install failed: running without the peer');
      return null;
    }
  }
  return entry;
}

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
  const peerEntry = ensurePeers();
  const { tmp, small, workloads, startCcproxy: startProxyAt } = await prepare();
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
  const bare = await startNode([path.join(BENCH, 'bare-forwarder.mjs')], { env: { UPSTREAM: upstream } });
  let peer = null;
  if (peerEntry) {
    const port = await freePort();
    peer = await startNode([peerEntry, `--port=${port}`, '--headless'], { env: { NODE_ENV: 'production' }, readyUrl: `http://127.0.0.1:${port}/` }).catch((e) => {
      log(`peer did not start: ${e.message.split('\n')[0]}`);
      return null;
    });
  }
  const peerHeaders = { 'x-portkey-provider': 'anthropic', 'x-portkey-custom-host': `${upstream}/v1`, 'x-api-key': 'sk-ant-bench-key' };

  const J = (o) => JSON.stringify(o);
  const targets = {
    direct: { base: upstream, headers: {} },
    ccproxy: { base: ccUrl, headers: {} },
    bare: { base: `http://127.0.0.1:${bare.port}`, headers: {} },
    ...(peer ? { peer: { base: `http://127.0.0.1:${peer.port}`, headers: peerHeaders } } : {}),
  };

  const results = [];
  for (const w of workloads) {
    const row = { id: w.id, name: w.name, stream: w.stream, targets: {} };
    for (const [name, t] of Object.entries(targets)) {
      if (!w[name]) continue;
      const [p, body] = w[name];
      const url = `${t.base}${p}`;
      const c1 = await latencyC1({ url, headers: t.headers, body, n: C1_N });
      const tp = await throughput({ url, headers: t.headers, body, connections: CONNECTIONS, seconds: SECONDS });
      const entry = { rps: tp.rps, p50: tp.p50, p99: tp.p99, c1p50: c1.p50, c1p99: c1.p99, ttfb: w.stream ? c1.ttfb50 : undefined, errors: tp.errors + c1.errors };
      if (name === 'ccproxy') entry.rssMb = rssMb(ccproxy.pid);
      // A target that fails most requests does not support the workload: its speed means nothing.
      if (entry.errors > 0.1 * (tp.total + C1_N)) entry.failed = await sampleFailure(url, t.headers, body);
      row.targets[name] = entry;
      log(`${w.id} ${name.padEnd(7)} ${tp.rps.toFixed(0).padStart(6)} req/s  c1 p50 ${c1.p50.toFixed(3)} ms${w.stream ? `  ttfb ${c1.ttfb50.toFixed(3)} ms` : ''}  errors ${entry.errors}`);
    }
    results.push(row);
  }

  const rssAfterLoad = rssMb(ccproxy.pid);
  await stop(ccproxy);
  // A fresh instance: the throughput runs above grow V8's heap (kept, not leaked), which would
  // otherwise be counted as the cost of holding 500 streams.
  log('500 concurrent streams through a fresh ccproxy');
  const fresh = await startCcproxy(tmp, upstream);
  const slowBody = J({ ...small, model: 'bench-slow', stream: true });
  const streams500 = await concurrentStreams({ url: `http://127.0.0.1:${fresh.port}/claude/v1/messages`, body: slowBody, n: 500, pid: fresh.pid });
  let peerStreams500 = null;
  if (peer) peerStreams500 = await concurrentStreams({ url: `http://127.0.0.1:${peer.port}/v1/messages`, headers: peerHeaders, body: slowBody, n: 500, pid: peer.pid });
  log(`500 streams: ${streams500.ok}/500 ok, peak RSS ${streams500.peakRssMb.toFixed(1)} MB; RSS after the throughput runs ${rssAfterLoad.toFixed(1)} MB`);

  await Promise.all([stop(fresh), stop(bare), stop(peer), stop(up)]);
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
    settings: { connections: CONNECTIONS, seconds: SECONDS, c1Requests: C1_N, peer: peer ? '@portkey-ai/gateway 1.15.2' : null },
    startToReadyMs: readyRuns,
    rss: { idleMb: rssIdle, streams500: streams500, afterLoadMb: rssAfterLoad, peerStreams500 },
    workloads: results,
  };
  data.targets = evaluateTargets(data);
  writeFileSync(path.join(BENCH, 'results.json'), `${JSON.stringify(data, null, 2)}\n`);
  writeReport(path.join(ROOT, 'docs/performance.md'), data);
  log('wrote bench/results.json and docs/performance.md');
  for (const t of data.targets) log(`${t.holds === null ? 'N/A' : t.holds ? 'HOLDS' : 'MISSES'}  ${t.target}: ${t.value}`);
}

function reportOnly() {
  const data = JSON.parse(readFileSync(path.join(BENCH, 'results.json'), 'utf8'));
  data.targets = evaluateTargets(data);
  writeFileSync(path.join(BENCH, 'results.json'), `${JSON.stringify(data, null, 2)}\n`);
  writeReport(path.join(ROOT, 'docs/performance.md'), data);
  log('rewrote docs/performance.md from bench/results.json');
}

(process.argv.includes('--report-only') ? Promise.resolve().then(reportOnly) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
