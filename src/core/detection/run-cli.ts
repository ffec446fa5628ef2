/**
 * Run a CLI once for detection with a hard time bound: its own process group so the whole tree
 * is killed on timeout, stdin closed, output collected (bounded). Never throws for a non-zero exit.
 */
import { spawn } from 'node:child_process';

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
    const kill = (): void => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    };
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
    child.on('error', (err) => finish({ code: null, stdout, stderr, timedOut, spawnError: err }));
    child.on('close', (code) => {
      // Detached children may leave grandchildren; make sure the group is gone.
      kill();
      finish({ code, stdout, stderr, timedOut });
    });
  });
}
