/**
 * A watcher of `GET /permissions/stream` for tests: collects its SSE events and lets a test wait
 * for the next one of a kind (event-driven, with a generous bound), and decides through the API.
 */
import { createParser } from 'eventsource-parser';

export interface PermissionEvent {
  event: 'new' | 'decided' | 'expired';
  data: Record<string, unknown>;
}

export class PermissionWatch {
  readonly events: PermissionEvent[] = [];
  private readonly consumed = new Set<PermissionEvent>();
  private readonly listeners = new Set<() => void>();
  private readonly ac = new AbortController();
  private ended = false;

  private constructor(private readonly base: string, private readonly headers: Record<string, string>) {}

  /** Connects; resolves once the stream is open (pending approvals arrive as `new` first). */
  static async open(base: string, headers: Record<string, string> = {}): Promise<PermissionWatch> {
    const w = new PermissionWatch(base, headers);
    const res = await fetch(`${base}/permissions/stream`, { headers, signal: w.ac.signal });
    if (res.status !== 200 || !res.body) throw new Error(`permissions stream: ${res.status} ${await res.text()}`);
    const parser = createParser({
      onEvent: (m) => {
        w.events.push({ event: m.event as PermissionEvent['event'], data: JSON.parse(m.data) as Record<string, unknown> });
        for (const l of w.listeners) l();
      },
    });
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // closed by the test
      } finally {
        w.ended = true;
        for (const l of w.listeners) l();
      }
    })();
    return w;
  }

  /** The next event of `kind` not yet returned (matching `pred`), waiting for it up to `timeoutMs`. */
  next(kind: PermissionEvent['event'], pred: (data: Record<string, unknown>) => boolean = () => true, timeoutMs = 90_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find((e) => e.event === kind && !this.consumed.has(e) && pred(e.data));
        if (found) {
          this.consumed.add(found);
          resolve(found.data);
          return true;
        }
        if (this.ended) {
          reject(new Error(`permissions stream ended before a "${kind}" event; got ${JSON.stringify(this.events)}`));
          return true;
        }
        return false;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no "${kind}" permission event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      const listener = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.listeners.delete(listener);
        }
      };
      this.listeners.add(listener);
    });
  }

  /** Resolves when the proxy ends the stream. */
  closed(timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ended) return resolve();
      const timer = setTimeout(() => reject(new Error('permissions stream still open')), timeoutMs);
      const listener = (): void => {
        if (!this.ended) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }

  /** `POST /permissions/{id}`; returns the status and parsed body. */
  async decide(id: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.base}/permissions/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers, ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  close(): void {
    this.ac.abort();
  }
}
