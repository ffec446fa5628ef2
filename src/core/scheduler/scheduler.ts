/**
 * Interval tasks registered by plugins (`getScheduledTasks()`): optional first run at registration,
 * jitter, exponential backoff after failures (capped), never two runs of one task at once, a per-run
 * timeout delivered as an AbortSignal, and a bounded stop(). Timers are unref'd: a pending task
 * never keeps the process alive.
 */
import type { Logger } from 'pino';
import type { ScheduledTaskDefinition } from '../plugin.js';
import type { SchedulerApi } from '../services.js';

export interface TaskState {
  name: string;
  owner?: string;
  intervalSeconds: number;
  running: boolean;
  /** ISO timestamps. */
  lastRun?: string;
  lastSuccess?: string;
  lastError?: string;
  consecutiveFailures: number;
  nextRun?: string;
}

interface Entry {
  task: ScheduledTaskDefinition;
  state: TaskState;
  timer?: NodeJS.Timeout;
  current?: Promise<void>;
  controller?: AbortController;
}

export interface SchedulerOptions {
  logger?: Logger;
  /** [0,1) source for jitter; injectable for tests. */
  random?: () => number;
}

/** Default cap for backoff when a task sets none: one hour, or the interval if that is longer. */
const DEFAULT_MAX_BACKOFF_S = 3600;
/** Default run timeout when a task sets none: its interval, at most five minutes. */
const DEFAULT_TIMEOUT_CAP_S = 300;

export class Scheduler implements SchedulerApi {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;
  private readonly random: () => number;

  constructor(private readonly opts: SchedulerOptions = {}) {
    this.random = opts.random ?? Math.random;
  }

  register(task: ScheduledTaskDefinition, owner?: string): void {
    if (this.entries.has(task.name)) throw new Error(`Scheduled task "${task.name}" is already registered`);
    if (!(task.intervalSeconds > 0)) throw new Error(`Scheduled task "${task.name}" needs intervalSeconds > 0`);
    if (task.enabled === false || this.stopped) return;
    const entry: Entry = {
      task,
      state: { name: task.name, owner, intervalSeconds: task.intervalSeconds, running: false, consecutiveFailures: 0 },
    };
    this.entries.set(task.name, entry);
    this.schedule(entry, task.skipInitialRun ? this.delayFor(entry) : 0);
  }

  unregister(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.controller?.abort(new Error('task unregistered'));
    this.entries.delete(name);
  }

  /** Snapshot of every task's state (for /plugins and health). */
  states(owner?: string): TaskState[] {
    const out: TaskState[] = [];
    for (const e of this.entries.values()) if (owner === undefined || e.state.owner === owner) out.push({ ...e.state });
    return out;
  }

  /** Run a task now (unless it is running); resolves when that run ends. */
  async runNow(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`No scheduled task "${name}"`);
    if (entry.current) return entry.current;
    clearTimeout(entry.timer);
    return this.run(entry);
  }

  /** Cancel timers, abort running tasks and wait for them, at most `timeoutMs`. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    const running: Promise<void>[] = [];
    for (const e of this.entries.values()) {
      clearTimeout(e.timer);
      e.state.nextRun = undefined;
      if (e.current) {
        e.controller?.abort(new Error('scheduler stopping'));
        running.push(e.current);
      }
    }
    if (running.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  private delayFor(entry: Entry): number {
    const { task, state } = entry;
    let seconds = task.intervalSeconds;
    if (state.consecutiveFailures > 0) {
      const cap = task.maxBackoffSeconds ?? Math.max(task.intervalSeconds, DEFAULT_MAX_BACKOFF_S);
      seconds = Math.min(task.intervalSeconds * 2 ** state.consecutiveFailures, cap);
    }
    if (task.jitterSeconds && task.jitterSeconds > 0) seconds += this.random() * task.jitterSeconds;
    return seconds * 1000;
  }

  private schedule(entry: Entry, delayMs: number): void {
    if (this.stopped || this.entries.get(entry.task.name) !== entry) return;
    entry.state.nextRun = new Date(Date.now() + delayMs).toISOString();
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.run(entry);
    }, delayMs);
    entry.timer.unref();
  }

  private run(entry: Entry): Promise<void> {
    if (entry.current) return entry.current;
    const { task, state } = entry;
    const controller = new AbortController();
    entry.controller = controller;
    state.running = true;
    state.lastRun = new Date().toISOString();
    state.nextRun = undefined;
    const timeoutS = task.timeoutSeconds ?? Math.min(task.intervalSeconds, DEFAULT_TIMEOUT_CAP_S);

    const current = (async () => {
      let timer: NodeJS.Timeout | undefined;
      // A task that ignores its signal must not stay "running" forever: the run ends at the timeout.
      const timedOut = new Promise<never>((_, reject) => {
        const fail = (): void => reject(controller.signal.reason instanceof Error ? controller.signal.reason : new Error('aborted'));
        timer = setTimeout(() => {
          controller.abort(new Error(`timed out after ${timeoutS}s`));
        }, timeoutS * 1000);
        timer.unref();
        controller.signal.addEventListener('abort', fail, { once: true });
      });
      timedOut.catch(() => undefined);
      try {
        const ok = await Promise.race([Promise.resolve().then(() => task.run(controller.signal)), timedOut]);
        if (ok === false) throw new Error('task reported failure');
        state.consecutiveFailures = 0;
        state.lastSuccess = new Date().toISOString();
        state.lastError = undefined;
      } catch (err) {
        state.consecutiveFailures++;
        state.lastError = err instanceof Error ? err.message : String(err);
        this.opts.logger?.warn({ task: task.name, owner: state.owner, failures: state.consecutiveFailures, error: state.lastError }, 'scheduled task failed');
      } finally {
        clearTimeout(timer);
        state.running = false;
        entry.current = undefined;
        entry.controller = undefined;
      }
      this.schedule(entry, this.delayFor(entry));
    })();
    entry.current = current;
    return current;
  }
}
