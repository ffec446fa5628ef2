/**
 * In-flight request tracking for graceful shutdown: every provider request registers its abort
 * here so that, once the shutdown grace period is over, the server can abort them.
 */

/** What a tracked request exposes: AbortController and RequestAbort both fit. */
export interface Abortable {
  abort(reason: Error): void;
}
export class InflightRequests {
  private readonly controllers = new Set<Abortable>();
  private idleWaiters: Array<() => void> = [];
  private closing = false;

  get size(): number {
    return this.controllers.size;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** From now on new requests are refused (503) while the ones in flight finish. */
  startClosing(): void {
    this.closing = true;
  }

  add(controller: Abortable): void {
    this.controllers.add(controller);
  }

  delete(controller: Abortable): void {
    if (!this.controllers.delete(controller)) return;
    if (this.controllers.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves true once nothing is in flight, false if `timeoutMs` passed first. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    this.closing = true;
    if (this.controllers.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  abortAll(reason: string): void {
    for (const c of this.controllers) c.abort(new Error(reason));
  }
}
