/**
 * Keeping an OAuth access token usable, provider-agnostic:
 *
 * - `TokenRefresher`: refresh a margin before expiry; exactly one refresh in flight per process
 *   (concurrent callers await the same promise: refresh tokens are single use); "on 401, refresh
 *   then retry once" (`withToken`); the last refresh outcome is kept for health checks.
 * - `refreshUnderLock`: the cross-process half. Inside the credentials file's lock it re-reads the
 *   file, skips the network call when another process (e.g. the provider's own CLI) already
 *   refreshed, and otherwise exchanges the refresh token and writes the merged result atomically.
 */
import type { CredentialFile, JsonObject } from './credential-file.js';

/** The minimum a provider's credentials must expose to be managed here. */
export interface TokenSnapshot {
  accessToken: string;
  /** Expiry, ms since epoch; undefined = unknown (never refreshed proactively). */
  expiresAt?: number;
}

export interface RefreshRecord {
  ok: boolean;
  /** ms since epoch when the refresh finished. */
  at: number;
  durationMs: number;
  /** Error message when !ok. */
  error?: string;
}

export interface TokenRefresherOptions<S extends TokenSnapshot> {
  /** Current credentials from storage, `null` when there are none. */
  load(): Promise<S | null>;
  /** Obtain fresh credentials given the stale ones (typically `refreshUnderLock`). */
  refresh(stale: S): Promise<S>;
  /** Refresh this long before `expiresAt` (default 5 min). */
  marginMs?: number;
  /** How long a loaded snapshot is reused before storage is read again (default 5 s). */
  cacheMs?: number;
  now?: () => number;
}

/**
 * @example
 * const tokens = new TokenRefresher({ load, refresh: (s) => refreshUnderLock(s, {...}), marginMs: 300_000 });
 * const res = await tokens.withToken((t) => callUpstream(t.accessToken), (e) => e instanceof UpstreamError && e.status === 401);
 */
export class TokenRefresher<S extends TokenSnapshot> {
  private readonly opts: TokenRefresherOptions<S>;
  private readonly now: () => number;
  private inflight: Promise<S> | null = null;
  private cached: { snapshot: S | null; at: number } | null = null;
  /** Outcome of the most recent refresh attempt (health checks read it). */
  lastRefresh: RefreshRecord | null = null;
  /** Number of refresh attempts started by this process (tests and metrics). */
  refreshCount = 0;

  constructor(opts: TokenRefresherOptions<S>) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  get marginMs(): number {
    return this.opts.marginMs ?? 5 * 60_000;
  }

  /** The stored credentials (cached for `cacheMs`), without refreshing. */
  async current(force = false): Promise<S | null> {
    const ttl = this.opts.cacheMs ?? 5000;
    if (!force && this.cached && this.now() - this.cached.at < ttl) return this.cached.snapshot;
    const snapshot = await this.opts.load();
    this.cached = { snapshot, at: this.now() };
    return snapshot;
  }

  /** Forget the cached snapshot (after logout/login or an external change). */
  invalidate(): void {
    this.cached = null;
  }

  /** True when `s` expires within the margin. */
  isExpiring(s: S): boolean {
    return s.expiresAt !== undefined && s.expiresAt - this.now() <= this.marginMs;
  }

  /** Usable credentials, refreshed first when expiring; `null` when none are stored. */
  async getValid(): Promise<S | null> {
    const s = await this.current();
    if (!s) return null;
    if (!this.isExpiring(s)) return s;
    return this.refreshOnce(s);
  }

  /**
   * Single-flight refresh: while one runs, every caller gets the same promise. `stale` is what the
   * caller saw; the refresh function is expected to skip the call if storage already moved on.
   */
  refreshOnce(stale: S): Promise<S> {
    if (this.inflight) return this.inflight;
    const started = this.now();
    this.refreshCount++;
    const run = (async () => {
      try {
        const next = await this.opts.refresh(stale);
        this.cached = { snapshot: next, at: this.now() };
        this.lastRefresh = { ok: true, at: this.now(), durationMs: this.now() - started };
        return next;
      } catch (err) {
        this.cached = null;
        this.lastRefresh = { ok: false, at: this.now(), durationMs: this.now() - started, error: err instanceof Error ? err.message : String(err) };
        throw err;
      } finally {
        this.inflight = null;
      }
    })();
    this.inflight = run;
    return run;
  }

  /**
   * Run `fn` with usable credentials; if it fails with what `isUnauthorized` recognizes, refresh
   * (or pick up a token another process stored meanwhile) and retry exactly once.
   * Throws `noCredentials()` when nothing is stored.
   */
  async withToken<R>(fn: (s: S) => Promise<R>, isUnauthorized: (err: unknown) => boolean, noCredentials: () => Error): Promise<R> {
    const first = await this.getValid();
    if (!first) throw noCredentials();
    try {
      return await fn(first);
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      const stored = await this.current(true);
      if (!stored) throw noCredentials();
      const second = stored.accessToken !== first.accessToken && !this.isExpiring(stored) ? stored : await this.refreshOnce(first);
      return fn(second);
    }
  }
}

export interface LockedRefreshOptions<F extends JsonObject, S extends TokenSnapshot> {
  file: CredentialFile<F>;
  /** Pull the provider's credentials out of the file content (`null` if absent). */
  extract(content: F | null): S | null;
  /** Is a snapshot found in the file still good enough to use without refreshing? */
  isFresh(s: S): boolean;
  /** Call the token endpoint with `s`'s refresh token; returns the new credentials. */
  exchange(s: S): Promise<S>;
  /** New file content: `content` with the new credentials merged in, every foreign field kept. */
  apply(content: F, next: S): F;
  /** Error to throw when the file holds no credentials any more. */
  missing(): Error;
}

/**
 * Refresh across processes: lock, re-read, maybe exchange, write atomically, unlock. When the file
 * already holds a different, fresh access token than `stale`, that token is returned without a call.
 * A failed exchange throws and leaves the file untouched.
 */
export async function refreshUnderLock<F extends JsonObject, S extends TokenSnapshot>(
  stale: S,
  opts: LockedRefreshOptions<F, S>,
): Promise<S> {
  let result: S | undefined;
  await opts.file.update(async (content) => {
    const current = opts.extract(content);
    if (!content || !current) throw opts.missing();
    if (current.accessToken !== stale.accessToken && opts.isFresh(current)) {
      result = current;
      return undefined;
    }
    const next = await opts.exchange(current);
    result = next;
    return opts.apply(content, next);
  });
  if (!result) throw opts.missing();
  return result;
}
