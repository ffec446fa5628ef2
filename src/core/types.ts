/**
 * Types the core's modules share. A leaf: it imports nothing, so any module may import it without
 * closing an import cycle (test/contract/import-graph.test.ts refuses cycles).
 */

/** What a scheduled task does each run; resolve `false` or throw to count as a failure (backoff). */
export interface ScheduledTaskDefinition {
  /** Unique across the process; by convention `<plugin>_<what>`. */
  name: string;
  intervalSeconds: number;
  run: (signal: AbortSignal) => Promise<boolean | void>;
  enabled?: boolean;
  /** Do not run at registration; first run after one interval (the spec's `skip_initial_run`). */
  skipInitialRun?: boolean;
  /** Random extra delay in [0, jitterSeconds) added to each interval so tasks do not align. */
  jitterSeconds?: number;
  /** Upper bound for the exponential backoff after consecutive failures. */
  maxBackoffSeconds?: number;
  /** Bound for one run; the run's signal is aborted after it. */
  timeoutSeconds?: number;
}
