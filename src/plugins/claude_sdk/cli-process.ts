/**
 * Spawns the Claude Code CLI for the Agent SDK (its `spawnClaudeCodeProcess` hook) so the plugin
 * knows every live process: health reports them, shutdown kills them, and a crashed process's last
 * stderr lines become the client's error message instead of a bare exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { SpawnOptions, SpawnedProcess } from '@anthropic-ai/claude-agent-sdk';

const STDERR_TAIL = 4096;

export interface CliRun {
  /** Pid once spawned. */
  pid?: number;
  /** Last bytes the CLI wrote to stderr. */
  stderr: string;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
}

export class CliProcessRegistry {
  private readonly live = new Map<number, ChildProcess>();

  get pids(): number[] {
    return [...this.live.keys()];
  }

  /** A spawn function for one query; records into `run`. */
  spawner(run: CliRun): (opts: SpawnOptions) => SpawnedProcess {
    return (opts) => {
      const child = spawn(opts.command, opts.args, {
        cwd: opts.cwd,
        env: opts.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        // The SDK aborts this signal after its graceful stdin-close window; node then kills the child.
        signal: opts.signal,
        windowsHide: true,
      });
      run.pid = child.pid;
      if (child.pid !== undefined) this.live.set(child.pid, child);
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        run.stderr = (run.stderr + chunk).slice(-STDERR_TAIL);
      });
      child.on('error', () => {
        // Reported to the SDK through the same 'error' event; nothing else to do here.
      });
      child.once('exit', (code, signal) => {
        run.exitCode = code;
        run.signal = signal;
        if (child.pid !== undefined) this.live.delete(child.pid);
      });
      return child as unknown as SpawnedProcess;
    };
  }

  /** Shutdown: SIGTERM everything, SIGKILL what is left after `graceMs`. */
  async killAll(graceMs = 2000): Promise<void> {
    const children = [...this.live.values()];
    if (children.length === 0) return;
    const exited = children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve()))));
    for (const c of children) c.kill('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([Promise.all(exited), timer])) === 'timeout') {
      for (const c of this.live.values()) c.kill('SIGKILL');
      await Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
  }
}
