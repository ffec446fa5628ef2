/**
 * Keeping an OAuth access token usable, provider-agnostic (`TokenRefresher`):
 *
 * - refresh a margin before expiry; exactly one refresh in flight per process (concurrent callers
 *   await the same promise: refresh tokens are single use); a TokenSource (`token`, `refresh`)
 *   for the upstream client, which refreshes and retries once on 401; the last refresh outcome
 *   is kept for health checks;
 * - a refreshed token is never lost: when the token endpoint issued new tokens but storage could
 *   not take them (ENOSPC, read-only, EACCES), they are held in memory and served, the write is
 *   retried with backoff until it lands (or storage turns out to hold other, newer credentials),
 *   and `unsaved` reports it for health; the spent refresh token is never redeemed again (the next
 *   refresh redeems the held one);
 * - every token it sees is registered with the core redactor.
 *
 * Where the tokens live is the store's business (`TokenStore`; `fileTokenStore` for a JSON file).
 */
import type { Logger } from 'pino';
import { AuthError } from '../errors.js';
import { secrets } from '../secrets.js';

/** The minimum a provider's credentials must expose to be managed here. */
export interface TokenSnapshot {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
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

/** The token endpoint issued `tokens` (spending the refresh token of `filed`), but storage refused them. */
export class UnsavedTokensError<S extends TokenSnapshot = TokenSnapshot> extends Error {
  constructor(readonly tokens: S, readonly filed: S, cause: unknown) {
    super(`Refreshed credentials could not be saved: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UnsavedTokensError';
  }
}

/** What a store's refresh needs from the refresher. */
export interface RefreshGuard<S extends TokenSnapshot> {
  /** Is a snapshot found in storage still good enough to use without refreshing? */
  isFresh(s: S): boolean;
  /** Throws when `s`'s refresh token was already redeemed by this process (it is spent). */
  assertUnspent(s: S): void;
  /** `s`'s refresh token was just redeemed. */
  spent(s: S): void;
}

export interface TokenStore<S extends TokenSnapshot> {
  /** Current credentials from storage, `null` when there are none. */
  load(): Promise<S | null>;
  /**
   * Fresh credentials given the stale ones, saved. Throws UnsavedTokensError when the token
   * endpoint issued tokens that could not be saved.
   */
  refresh(stale: S, guard: RefreshGuard<S>): Promise<S>;
  /** Redeem `s`'s refresh token at the token endpoint only (for tokens held in memory). */
  exchange?(s: S): Promise<S>;
  /** Save held tokens; `superseded` when storage no longer holds `filed` (someone stored other credentials). */
  save?(tokens: S, filed: S): Promise<'saved' | 'superseded'>;
  /** Where the credentials live, for log lines and health messages. */
  readonly where?: string;
  /** The error when storage holds no credentials. */
  missing?(): Error;
}

export interface TokenRefresherOptions<S extends TokenSnapshot> extends TokenStore<S> {
  /** Refresh this long before `expiresAt` (default 5 min). */
  marginMs?: number;
  /** How long a loaded snapshot is reused before storage is read again (default 5 s). */
  cacheMs?: number;
  now?: () => number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Backoff of the retried write of held tokens (default 1 s, doubling up to 5 min). */
  retryMs?: { initial: number; max: number };
  /** Told each refresh's outcome (a provider emits `credential.refreshed` from it, for metrics). */
  onRefresh?: (record: RefreshRecord) => void;
}

/** Held tokens, for health: since when, how many writes failed, the last error, the next attempt. */
export interface UnsavedState {
  since: number;
  attempts: number;
  error: string;
  nextAttemptAt?: number;
}

interface Held<S> extends UnsavedState {
  tokens: S;
  /** What storage holds (the credentials whose refresh token was spent for `tokens`). */
  filed: S;
  delayMs: number;
}

/** Spent refresh tokens remembered (a handful of rotations is all that matters). */
const MAX_SPENT = 32;

/**
 * @example
 * const tokens = new TokenRefresher({ ...fileTokenStore({ file, extract, exchange, apply, missing }), marginMs: 300_000 });
 * const res = await upstreamClient(dispatcher).request({ url, headers, body,
 *   credential: { source: tokens, apply: (t) => ({ headers: { authorization: `Bearer ${t.accessToken}` } }) } });
 */
export class TokenRefresher<S extends TokenSnapshot> {
  private readonly opts: TokenRefresherOptions<S>;
  private readonly now: () => number;
  private inflight: Promise<S> | null = null;
  private cached: { snapshot: S | null; at: number } | null = null;
  private held: Held<S> | null = null;
  private saving: Promise<void> | null = null;
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly spentTokens = new Set<string>();
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

  /** Tokens the token endpoint issued that storage has not taken yet, or null. */
  get unsaved(): UnsavedState | null {
    const h = this.held;
    return h ? { since: h.since, attempts: h.attempts, error: h.error, nextAttemptAt: h.nextAttemptAt } : null;
  }

  /** The health line for held tokens, or undefined when everything is saved. */
  unsavedMessage(): string | undefined {
    const h = this.held;
    if (!h) return undefined;
    const where = this.opts.where ? ` to ${this.opts.where}` : '';
    return `refreshed credentials could not be saved${where} (${h.error}); serving them from memory and retrying the write (${h.attempts} attempt${h.attempts === 1 ? '' : 's'} so far)`;
  }

  /** The stored credentials (cached for `cacheMs`; held tokens first), without refreshing. */
  async current(force = false): Promise<S | null> {
    if (this.held) return this.held.tokens;
    const ttl = this.opts.cacheMs ?? 5000;
    if (!force && this.cached && this.now() - this.cached.at < ttl) return this.cached.snapshot;
    const snapshot = await this.opts.load();
    if (snapshot) learn(snapshot);
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
   * caller saw; the store is expected to skip the call if storage already moved on.
   */
  refreshOnce(stale: S): Promise<S> {
    if (this.inflight) return this.inflight;
    const started = this.now();
    this.refreshCount++;
    const run = (async () => {
      try {
        const next = this.held ? await this.refreshHeld(this.held, stale) : await this.refreshStored(stale);
        learn(next);
        this.cached = { snapshot: next, at: this.now() };
        this.lastRefresh = { ok: true, at: this.now(), durationMs: this.now() - started };
        this.opts.onRefresh?.(this.lastRefresh);
        return next;
      } catch (err) {
        this.cached = null;
        this.lastRefresh = { ok: false, at: this.now(), durationMs: this.now() - started, error: err instanceof Error ? err.message : String(err) };
        this.opts.onRefresh?.(this.lastRefresh);
        throw err;
      } finally {
        this.inflight = null;
      }
    })();
    this.inflight = run;
    return run;
  }

  /** Usable credentials (refreshed first when expiring); throws the store's `missing()` error when none are stored. */
  async token(): Promise<S> {
    const s = await this.getValid();
    if (!s) throw this.missing();
    return s;
  }

  /**
   * The upstream refused `failed` (401): a token another process stored meanwhile, else one
   * refresh (single flight). With `token`, this makes the refresher a TokenSource for the upstream
   * client, whose credentials interceptor retries the request once with the result.
   */
  async refresh(failed: S): Promise<S> {
    const stored = await this.current(true);
    if (!stored) throw this.missing();
    return stored.accessToken !== failed.accessToken && !this.isExpiring(stored) ? stored : this.refreshOnce(failed);
  }

  private missing(): Error {
    return this.opts.missing?.() ?? new AuthError(`No stored credentials${this.opts.where ? ` in ${this.opts.where}` : ''}; log in first`);
  }

  /** Stop retrying; one last attempt to save held tokens, and an error line if they are lost. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.saveTimer);
    if (this.held) await this.saveHeld();
    if (this.held) {
      this.opts.logger?.error({ where: this.opts.where, error: this.held.error }, 'refreshed credentials were never saved and are lost with this process: log in again');
    }
  }

  private readonly guard: RefreshGuard<S> = {
    isFresh: (s) => !this.isExpiring(s),
    assertUnspent: (s) => {
      if (s.refreshToken && this.spentTokens.has(s.refreshToken)) {
        throw new AuthError(`The refresh token${this.opts.where ? ` in ${this.opts.where}` : ''} was already redeemed and its replacement is gone; log in again`);
      }
    },
    spent: (s) => {
      if (!s.refreshToken) return;
      if (this.spentTokens.size >= MAX_SPENT) this.spentTokens.delete(this.spentTokens.values().next().value!);
      this.spentTokens.add(s.refreshToken);
    },
  };

  private async refreshStored(stale: S): Promise<S> {
    try {
      return await this.opts.refresh(stale, this.guard);
    } catch (err) {
      if (!(err instanceof UnsavedTokensError)) throw err;
      const tokens = err.tokens as S;
      this.hold(tokens, err.filed as S, err.cause);
      return tokens;
    }
  }

  /** Held tokens are the newest: refresh them with the token endpoint alone (storage holds spent ones). */
  private async refreshHeld(held: Held<S>, stale: S): Promise<S> {
    if (held.tokens.accessToken !== stale.accessToken && !this.isExpiring(held.tokens)) return held.tokens;
    if (!this.opts.exchange) throw new AuthError('Refreshed credentials are held in memory and this store cannot refresh them; log in again');
    this.guard.assertUnspent(held.tokens);
    const next = await this.opts.exchange(held.tokens);
    this.guard.spent(held.tokens);
    held.tokens = next;
    this.scheduleSave(0);
    return next;
  }

  private hold(tokens: S, filed: S, cause: unknown): void {
    const error = cause instanceof Error ? cause.message : String(cause);
    this.held = { tokens, filed, since: this.now(), attempts: 1, error, delayMs: this.opts.retryMs?.initial ?? 1000 };
    this.opts.logger?.warn({ where: this.opts.where, error }, 'refreshed credentials could not be saved; serving them from memory and retrying the write');
    this.scheduleSave(this.held.delayMs);
  }

  private scheduleSave(delayMs: number): void {
    if (this.closed || !this.held) return;
    clearTimeout(this.saveTimer);
    this.held.nextAttemptAt = this.now() + delayMs;
    this.saveTimer = setTimeout(() => void this.saveHeld(), delayMs);
    this.saveTimer.unref();
  }

  /** One attempt to write the held tokens; reschedules itself with backoff while it fails. */
  private saveHeld(): Promise<void> {
    this.saving ??= this.attemptSave().finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  private async attemptSave(): Promise<void> {
    const held = this.held;
    if (!held || !this.opts.save) return;
    const tokens = held.tokens;
    try {
      const outcome = await this.opts.save(tokens, held.filed);
      if (outcome === 'superseded') {
        this.held = null;
        this.cached = null;
        this.opts.logger?.warn({ where: this.opts.where }, 'credentials were replaced meanwhile (a new login?): using those, dropping the unsaved ones');
        return;
      }
      if (held.tokens !== tokens) {
        // Refreshed again while writing: storage now holds `tokens` (spent too); write the newest.
        held.filed = tokens;
        this.scheduleSave(0);
        return;
      }
      this.held = null;
      this.cached = { snapshot: tokens, at: this.now() };
      this.opts.logger?.info({ where: this.opts.where, attempts: held.attempts + 1 }, 'refreshed credentials saved');
    } catch (err) {
      held.attempts++;
      held.error = err instanceof Error ? err.message : String(err);
      held.delayMs = Math.min(held.delayMs * 2, this.opts.retryMs?.max ?? 300_000);
      this.opts.logger?.warn({ where: this.opts.where, error: held.error, attempts: held.attempts }, 'refreshed credentials could not be saved; retrying');
      this.scheduleSave(held.delayMs);
    }
  }
}

/** Register a snapshot's tokens with the core redactor. */
function learn(s: TokenSnapshot): void {
  secrets.register(s.accessToken, s.refreshToken, s.idToken);
}
