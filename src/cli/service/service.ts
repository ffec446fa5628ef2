/**
 * The background service: started detached (its own session, output to the log file under the
 * state dir, a pid file next to it), found again by the pid file or by asking the configured
 * address what it is, and stopped with SIGTERM (the proxy's graceful shutdown).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../../core/config/schema.js';
import { UsageError } from '../errors.js';
import { isAlive, isOurService, readPidFile, removePidFile, type ServiceRecord } from './pid-file.js';
import { probe } from './probe.js';
import { statePaths, type StatePaths } from './state-paths.js';

/** Where the configured proxy is (or will be), and how to talk to it. */
export interface ServiceTarget {
  /** The URL clients use: a wildcard bind is reached on loopback. */
  url: string;
  /** `server.auth_token`, when set: clients must send it. */
  token?: string;
  paths: StatePaths;
  /** `serve` flags the background process is started with (config file, host, port, log level). */
  serveArgs: string[];
}

export interface TargetOptions {
  config?: string;
  host?: string;
  port?: number;
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Bound for a start or a stop: a hang, not an expectation (both take about a second). */
const WAIT_MS = 120_000;

export async function serviceTarget(opts: TargetOptions): Promise<ServiceTarget> {
  const [{ loadSettings }, { flagOverrides }] = await Promise.all([import('../../core/config/load.js'), import('../commands/serve.js')]);
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const { settings } = await loadSettings({ configFile: opts.config, env, cwd, overrides: flagOverrides(opts) });
  return {
    url: connectUrl(settings),
    token: settings.server.auth_token || undefined,
    paths: statePaths(env),
    serveArgs: [
      'serve',
      ...(opts.config ? ['--config', path.resolve(cwd, opts.config)] : []),
      ...(opts.host !== undefined ? ['--host', opts.host] : []),
      ...(opts.port !== undefined ? ['--port', String(opts.port)] : []),
      ...(opts.logLevel !== undefined ? ['--log-level', opts.logLevel] : []),
    ],
  };
}

function connectUrl(settings: Settings): string {
  const { host, port } = settings.server;
  if (port === 0) throw new UsageError('server.port is 0 (any free port): a background proxy needs a fixed one. Set it with --port, SERVER__PORT or [server] port');
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  return `http://${reach.includes(':') && !reach.startsWith('[') ? `[${reach}]` : reach}:${port}`;
}

/** The service record when the pid file names a live service; a stale file is removed. */
export async function runningService(paths: StatePaths): Promise<ServiceRecord | undefined> {
  const record = await readPidFile(paths.pidFile);
  if (record && isOurService(record)) return record;
  if (record) await removePidFile(paths.pidFile);
  return undefined;
}

export interface Ensured {
  url: string;
  /** Set when this call started it. */
  started?: ServiceRecord;
}

/** A ccproxy answering at the target's URL: the one already there, or one started now. */
export async function ensureService(target: ServiceTarget): Promise<Ensured> {
  const found = await probe(target.url);
  if (found.kind === 'ccproxy') return { url: target.url };
  if (found.kind === 'other') throw portTaken(target.url, found.detail);
  return { url: target.url, started: await startService(target) };
}

export function portTaken(url: string, detail: string): UsageError {
  return new UsageError(`${url} is in use by something that is not ccproxy (${detail}). Choose another port with --port, SERVER__PORT or [server] port in the config file`);
}

/**
 * Starts `ccproxy serve` detached (its output to the log file) and waits until it has recorded
 * itself in the pid file, which it does once it listens. When two starts race, one gets the port
 * and the other's proxy exits: the loser then reports the winner's record.
 */
export async function startService(target: ServiceTarget): Promise<ServiceRecord> {
  const { paths } = target;
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  // Append, so the log keeps earlier runs; what this run wrote starts at `offset`.
  const offset = statSync(paths.logFile, { throwIfNoEntry: false })?.size ?? 0;
  const log = openSync(paths.logFile, 'a', 0o600);
  let child;
  try {
    // Same node, same loader flags (tsx in development), same script: the `ccproxy` being run.
    const args = [...process.execArgv, process.argv[1]!, ...target.serveArgs, '--pid-file', paths.pidFile];
    child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: process.env });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', reject);
  });
  const deadline = Date.now() + WAIT_MS;
  let failure: string;
  for (;;) {
    const code = await Promise.race([exited, sleep(150).then(() => undefined)]);
    if (code !== undefined) {
      const winner = (await probe(target.url)).kind === 'ccproxy' ? await runningService(paths) : undefined;
      if (winner) return winner;
      failure = `exited with code ${code}`;
      break;
    }
    const record = await readPidFile(paths.pidFile);
    if (record?.pid === pid) {
      child.unref();
      return record;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      failure = `did not start listening at ${target.url} within ${WAIT_MS / 1000} s`;
      break;
    }
  }
  const tail = (await logSince(paths.logFile, offset)).trim().split('\n').slice(-5).join('\n');
  throw new UsageError(`the background proxy ${failure}; ${paths.logFile} says:\n${tail}`);
}

export interface Stopped {
  record: ServiceRecord;
  killed: boolean;
}

/** SIGTERM, then SIGKILL if it is still there after the wait bound; the pid file goes either way. */
export async function stopService(paths: StatePaths): Promise<Stopped | undefined> {
  const record = await runningService(paths);
  if (!record) return undefined;
  let killed = false;
  try {
    process.kill(record.pid, 'SIGTERM');
  } catch {
    /* gone meanwhile */
  }
  if (!(await waitGone(record.pid))) {
    killed = true;
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
    await waitGone(record.pid);
  }
  await removePidFile(paths.pidFile);
  return { record, killed };
}

async function waitGone(pid: number): Promise<boolean> {
  const deadline = Date.now() + WAIT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

async function logSince(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
