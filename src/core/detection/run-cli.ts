/**
 * Run a CLI once for detection with a hard time bound: stdin closed, output collected (bounded),
 * and on timeout/abort the whole process tree is killed — including descendants that moved to
 * their own process group (the Claude CLI re-spawns itself in a new session, so killing the
 * group alone would orphan it). Never throws for a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

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

export function runCli(opts: RunCliOptions): Promise<RunCliResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(opts.command, opts.args, {
      env: opts.env,
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    // Every descendant seen so far, with its start time so a recycled pid is never signalled.
    const known = new Map<number, string>();
    const scan = (): void => {
      if (child.pid === undefined) return;
      for (const p of descendants(child.pid)) known.set(p.pid, p.start);
    };
    const kill = (): void => {
      scan();
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        signal(child.pid);
        if (process.platform !== 'win32') signal(-child.pid);
      }
      for (const [pid, start] of known) if (startTime(pid) === start) signal(pid);
    };
    // Record the tree while the root is alive: once it dies, orphans are re-parented to init.
    const watch = setInterval(scan, 250);
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs);
    const onAbort = (): void => kill();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (r: RunCliResult): void => {
      if (settled) return;
      settled = true;
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
      clearInterval(watch);
      finish({ code: null, stdout, stderr, timedOut, spawnError: err });
    });
    child.on('close', (code) => {
      clearInterval(watch);
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

interface ProcEntry {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot (stat field 22). */
  start: string;
}

function readStat(pid: number): ProcEntry | undefined {
  try {
    // Format: pid (comm) state ppid ... ; comm may hold spaces/parens, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(rest[1]), start: rest[19] ?? '' };
  } catch {
    return undefined;
  }
}

function startTime(pid: number): string | undefined {
  return readStat(pid)?.start;
}

/** All descendants of `root` (Linux /proc; elsewhere none, and the group kill is what we have). */
export function descendants(root: number): Array<{ pid: number; start: string }> {
  if (process.platform !== 'linux') return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, ProcEntry[]>();
  for (const name of entries) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const e = readStat(Number(name));
    if (!e) continue;
    const list = children.get(e.ppid) ?? [];
    list.push(e);
    children.set(e.ppid, list);
  }
  const out: ProcEntry[] = [];
  const stack = [root];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      out.push(c);
      stack.push(c.pid);
    }
  }
  return out.map(({ pid, start }) => ({ pid, start }));
}
