/**
 * One Claude Code CLI kept started for the next request. Clients send the same options and system
 * prompt request after request, so when a run ends the pool starts a CLI with that run's spec; the
 * next request with an equal spec takes it and skips the CLI's start-up (≈ 0.3 s here). Any other
 * spec closes it and starts cold. An unused CLI is closed `idleMs` after it became ready, and at
 * shutdown: it holds a process (~100 MB) that nobody may need. The idle time counts from the end of
 * its handshake, not from its spawn: on a loaded machine the start alone can outlast a short idle
 * timeout, and a CLI closed before it could ever be taken is pure waste.
 */
import { specKey, WarmCli, type CliSpec } from './cli-start.js';
import type { CliProcessRegistry } from './cli-process.js';

interface Entry {
  key: string;
  /** Settles once the CLI finished its handshake; undefined when it could not start. */
  ready: Promise<WarmCli | undefined>;
  /** The idle timer, armed once the CLI is ready. */
  timer?: NodeJS.Timeout;
}

export interface WarmPoolOptions {
  registry: CliProcessRegistry;
  idleMs: number;
  /** How a warm CLI is started (tests may count starts). */
  start?: (spec: CliSpec, registry: CliProcessRegistry) => Promise<WarmCli>;
  onError?: (err: unknown) => void;
}

export class WarmPool {
  private entry?: Entry;
  private warmPid?: number;
  private closed = false;

  constructor(private readonly o: WarmPoolOptions) {}

  /** Pid of the CLI waiting for the next request, if one is up. */
  get pid(): number | undefined {
    return this.entry ? this.warmPid : undefined;
  }

  /** The started CLI for `spec` (awaiting its handshake if it is still starting), or undefined. */
  async take(spec: CliSpec): Promise<WarmCli | undefined> {
    const e = this.entry;
    if (!e) return undefined;
    if (e.key !== specKey(spec)) {
      this.discard();
      return undefined;
    }
    this.entry = undefined;
    this.warmPid = undefined;
    clearTimeout(e.timer);
    const cli = await e.ready;
    if (cli?.available) return cli;
    cli?.close();
    return undefined;
  }

  /** Start a CLI for `spec` so the next request like it finds one ready (no-op if one is). */
  prepare(spec: CliSpec): void {
    if (this.closed) return;
    const key = specKey(spec);
    if (this.entry?.key === key) return;
    this.discard();
    const start = this.o.start ?? ((s, r) => WarmCli.start(s, r));
    const entry: Entry = {
      key,
      ready: start(spec, this.o.registry).then(
        (cli) => {
          if (this.entry === entry) {
            this.warmPid = cli.cli.pid;
            entry.timer = setTimeout(() => {
              if (this.entry === entry) this.discard();
            }, this.o.idleMs);
            entry.timer.unref();
          }
          return cli;
        },
        (err: unknown) => {
          this.o.onError?.(err);
          if (this.entry === entry) this.entry = undefined;
          return undefined;
        },
      ),
    };
    this.entry = entry;
  }

  /** Close the waiting CLI, if any. */
  discard(): void {
    const e = this.entry;
    if (!e) return;
    this.entry = undefined;
    this.warmPid = undefined;
    clearTimeout(e.timer);
    void e.ready.then((cli) => cli?.close());
  }

  close(): void {
    this.closed = true;
    this.discard();
  }
}
