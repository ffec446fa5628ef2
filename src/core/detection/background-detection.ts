/**
 * The lifecycle every CLI detection shares: it runs in the background (startup never waits), one
 * run at a time (a second caller joins the run under way), and shutdown stops it — `signal` is
 * aborted, which kills the CLI the run started, and `settled()` waits until it is gone.
 * A plugin's detection extends this and writes only `detect`.
 */
export abstract class BackgroundDetection<T> {
  readonly #stopping = new AbortController();
  #running: Promise<T> | null = null;

  /** One detection run; `signal` is aborted at shutdown. It should not throw. */
  protected abstract detect(signal: AbortSignal): Promise<T>;

  /** True while a run is going (startup starts one in the background). */
  get inProgress(): boolean {
    return this.#running !== null;
  }

  /** Shutdown: kill the run in progress; its result is moot and nothing should log after it. */
  stop(): void {
    this.#stopping.abort();
  }

  get stopped(): boolean {
    return this.#stopping.signal.aborted;
  }

  /** Resolves once no run is going any more. */
  async settled(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  /** Runs a detection, or joins the one under way. */
  refresh(): Promise<T> {
    this.#running ??= this.detect(this.#stopping.signal).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }
}
