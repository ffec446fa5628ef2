/**
 * Measuring helpers for bench/run.mjs: child servers that print `{"port": N}`, autocannon
 * throughput runs, precise concurrency-1 latency (and time to first byte) with undici, RSS from
 * /proc, and holding many streams open at once.
 */
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';
import { Pool } from 'undici';

/** Start `node <args>`; resolves when a line `{"port": N}` appears (or `waitUrl` answers 200). */
export function startNode(args, { env = {}, cwd, readyUrl } = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  return new Promise((resolve, reject) => {
    const fail = (why) => reject(new Error(`${args.join(' ')}: ${why}\n${err.slice(-2000)}\n${out.slice(-1000)}`));
    const timer = setTimeout(() => fail('not ready after 30 s'), 30_000);
    child.on('exit', (code) => fail(`exited ${code}`));
    const done = (port) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, port, pid: child.pid, readyMs: performance.now() - started });
    };
    if (readyUrl) {
      const poll = () => {
        const req = http.get(readyUrl, (res) => {
          res.resume();
          if (res.statusCode === 200) done(Number(new URL(readyUrl).port));
          else setTimeout(poll, 5);
        });
        req.on('error', () => setTimeout(poll, 5));
      };
      poll();
    }
    child.stdout.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line && !readyUrl) done(JSON.parse(line).port);
    });
  });
}

export function stop(server) {
  return new Promise((resolve) => {
    if (!server || server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
    setTimeout(() => server.child.kill('SIGKILL'), 5000).unref();
  });
}

/** RSS of a process in MB (from /proc; Linux only). */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** autocannon for `seconds` at `connections`: requests/s and latency percentiles (ms). */
export async function throughput({ url, headers, body, connections = 16, seconds = 5 }) {
  const r = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, connections, duration: seconds });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    total: r.requests.total,
  };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * `n` requests one after another on one keep-alive connection: latency p50/p99 and, for streams,
 * time to the first body byte, in ms with sub-ms precision.
 */
export async function latencyC1({ url, headers, body, n = 300, warmup = 50 }) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: 1 });
  const total = [];
  const ttfb = [];
  let errors = 0;
  try {
    for (let i = 0; i < warmup + n; i++) {
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path: u.pathname + u.search, headers: { 'content-type': 'application/json', ...headers }, body });
      let first = 0;
      for await (const chunk of res.body) {
        if (!first && chunk.length) first = performance.now();
      }
      const t1 = performance.now();
      if (res.statusCode !== 200) errors++;
      if (i >= warmup) {
        total.push(t1 - t0);
        ttfb.push((first || t1) - t0);
      }
    }
  } finally {
    await pool.close();
  }
  total.sort((a, b) => a - b);
  ttfb.sort((a, b) => a - b);
  return { p50: pct(total, 50), p99: pct(total, 99), ttfb50: pct(ttfb, 50), errors };
}

/** Open `n` streams at once and sample `pid`'s RSS until all finish: peak RSS (MB) and outcomes. */
export async function concurrentStreams({ url, headers, body, n, pid }) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: n });
  let peak = rssMb(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 25);
  const one = () => new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => resolve(res.statusCode === 200 && bytes > 0));
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: n }, one));
  clearInterval(sampler);
  agent.destroy();
  return { ok: results.filter(Boolean).length, n, peakRssMb: peak, ms: performance.now() - t0 };
}
