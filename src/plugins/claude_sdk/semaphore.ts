/**
 * A counting semaphore with FIFO waiters and abortable waits. With 1 permit it is the per-session
 * lock (two requests on one session never interleave); with N it bounds concurrent CLI processes.
 */
export class Semaphore {
  private inUse = 0;
  private readonly waiters: Array<{ grant: () => void; reject: (err: unknown) => void }> = [];

  constructor(private readonly permits: number) {}

  get active(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once a permit is free; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.inUse < this.permits) {
      this.inUse++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
        reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Fails every waiter (shutdown). */
  rejectAll(err: unknown): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiters.shift();
      // The permit passes straight to the next waiter, so inUse stays the same.
      if (next) next.grant();
      else this.inUse--;
    };
  }
}
