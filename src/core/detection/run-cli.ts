/**
 * Run a CLI once for detection with a hard time bound: stdin closed, output collected (bounded),
 * and on timeout/abort/exit every process the run started is killed — including helpers that
 * double-forked into their own session (the Claude CLI does; killing its process group alone
 * orphans them). They are found by a unique tag in their inherited environment (Linux /proc).
 * Never throws for a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/** Environment variable carrying the per-run tag. */
export const RUN_TAG_VAR = 'CCPROXY_DETECTION_RUN';

export interface RunCliOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
  /** Abort early (e.g. once the capture server got its request). */
  signal?: AbortSignal;
}

export interface RunCliResult {
  /** Exit code, or null when killed / failed to start. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started (ENOENT: not installed). */
  spawnError?: Error;
}

const MAX_OUTPUT = 256 * 1024;

/** Kill functions of the runs still going: if our process exits first, they must not outlive it. */
const active = new Set<() => void>();
let exitHookInstalled = false;

function killActiveOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const kill of active) kill();
  });
}

export function runCli(opts: RunCliOptions): Promise<RunCliResult> {
  if (opts.signal?.aborted) {
    return Promise.resolve({ code: null, stdout: '', stderr: '', timedOut: false, spawnError: new Error('aborted before start') });
  }
  killActiveOnExit();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    // A unique tag in the environment marks every process this run starts, however it detaches.
    const runTag = randomUUID();
    const child = spawn(opts.command, opts.args, {
      env: { ...opts.env, [RUN_TAG_VAR]: runTag },
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    const kill = (): void => {
      if (child.pid === undefined) return;
      if (child.exitCode === null && child.signalCode === null) signal(child.pid);
      // A group id cannot be recycled while any member lives, so this is safe after the root exits.
      if (process.platform !== 'win32') signal(-child.pid);
      // Helpers that double-forked or moved to their own session still carry our run tag. Sweep
      // again shortly after: a helper caught mid-fork may have a child the first scan missed.
      const sweep = (): void => {
        for (const pid of taggedProcesses(runTag)) signal(pid);
      };
      sweep();
      for (const ms of [250, 1000, 3000]) setTimeout(sweep, ms).unref();
    };
    active.add(kill);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs);
    const onAbort = (): void => kill();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (r: RunCliResult): void => {
      if (settled) return;
      settled = true;
      active.delete(kill);
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    child.stdout.on('data', (c: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += c.toString('utf8');
    });
    child.on('error', (err) => {
      finish({ code: null, stdout, stderr, timedOut, spawnError: err });
    });
    child.on('close', (code) => {
      // The CLI may leave helpers behind (own group or session): make sure nothing survives it.
      kill();
      finish({ code, stdout, stderr, timedOut });
    });
  });
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Pids whose environment holds `RUN_TAG_VAR=tag` (Linux; elsewhere none). Only our own processes are readable. */
export function taggedProcesses(tag: string): number[] {
  if (process.platform !== 'linux') return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = `${RUN_TAG_VAR}=${tag}`;
  const out: number[] = [];
  for (const name of entries) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57 || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(needle)) out.push(Number(name));
    } catch {
      /* not ours, or gone */
    }
  }
  return out;
}
