/**
 * Where an account pool keeps what it learns: cooldowns and failures per account, the conversation
 * → account map (affinity, with a TTL), in-flight, request and token counts, and a lock per account for
 * token refreshes. `MemoryPoolState` is one process's view; `RedisPoolState` (redis-state.ts)
 * shares it between proxy instances and falls back to a local MemoryPoolState when Redis is away.
 *
 * Only account names, ms times, counts and hashes are stored: never a token, never client content
 * (the affinity key is a hash, see affinity.ts).
 */

export interface AccountMark {
  state: 'cooling' | 'failing';
  /** ms since epoch when the account may be tried again. */
  until: number;
  /** Why (a short description; no token, no client content). */
  reason: string;
}

export interface PoolView {
  /** Accounts with a mark still in force. */
  marks: ReadonlyMap<string, AccountMark>;
  /** The account the conversation is pinned to, when an affinity key was given and known. */
  pinned?: string;
  inflight: ReadonlyMap<string, number>;
  /** Requests sent since the account's last cooldown began (its current usage window). */
  requests: ReadonlyMap<string, number>;
  /** Tokens (input and output, as the upstream reported them) in the same window. */
  tokens: ReadonlyMap<string, number>;
}

export interface LockProvider {
  /** Run `fn` while holding `key` (one holder at a time, across instances for a shared backend). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface PoolState extends LockProvider {
  /** Everything a selection needs, in one read (one round trip for Redis). */
  view(scope: string, accounts: readonly string[], affinity?: string): Promise<PoolView>;
  /** Put an account in cooldown / failing (`null`: ready again). */
  mark(scope: string, account: string, mark: AccountMark | null): Promise<void>;
  /** Pin a conversation to an account for `ttlMs` after its last request. */
  pin(scope: string, affinity: string, account: string, ttlMs: number): Promise<void>;
  /** A request starts on `account` (in flight +1, requests +1) / has its response (in flight −1). */
  begin(scope: string, account: string): void;
  end(scope: string, account: string): void;
  /** A request served by `account` used `tokens` (counted in its current window). */
  addTokens(scope: string, account: string, tokens: number): void;
  /** `warn` with why when the shared backend is unreachable (the local view serves meanwhile). */
  health(): { status: 'pass' | 'warn'; output: string };
  /** Resolves when a shared backend is connected (or gave up for now); the runtime awaits it at startup. */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

/** Bound on remembered conversations per process (oldest dropped first). */
const MAX_PINS = 100_000;

export class MemoryPoolState implements PoolState {
  private readonly marks = new Map<string, AccountMark>();
  private readonly pins = new Map<string, { account: string; expires: number }>();
  private readonly inflight = new Map<string, number>();
  private readonly requests = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly now: () => number = Date.now) {}

  async view(scope: string, accounts: readonly string[], affinity?: string): Promise<PoolView> {
    return this.viewNow(scope, accounts, affinity);
  }

  /** The same, synchronously (the Redis backend's fallback). */
  viewNow(scope: string, accounts: readonly string[], affinity?: string): PoolView {
    const now = this.now();
    const marks = new Map<string, AccountMark>();
    const inflight = new Map<string, number>();
    const requests = new Map<string, number>();
    const tokens = new Map<string, number>();
    for (const a of accounts) {
      const k = `${scope}/${a}`;
      const m = this.marks.get(k);
      if (m && m.until > now) marks.set(a, m);
      else if (m) this.marks.delete(k);
      inflight.set(a, this.inflight.get(k) ?? 0);
      requests.set(a, this.requests.get(k) ?? 0);
      tokens.set(a, this.tokens.get(k) ?? 0);
    }
    let pinned: string | undefined;
    if (affinity !== undefined) {
      const p = this.pins.get(`${scope}/${affinity}`);
      if (p && p.expires > now) pinned = p.account;
      else if (p) this.pins.delete(`${scope}/${affinity}`);
    }
    return { marks, pinned, inflight, requests, tokens };
  }

  async mark(scope: string, account: string, mark: AccountMark | null): Promise<void> {
    this.markNow(scope, account, mark);
  }

  markNow(scope: string, account: string, mark: AccountMark | null): void {
    const k = `${scope}/${account}`;
    if (!mark) {
      this.marks.delete(k);
      return;
    }
    // A new window starts when this cooldown ends: count its requests from zero.
    if (mark.state === 'cooling') {
      this.requests.delete(k);
      this.tokens.delete(k);
    }
    this.marks.set(k, mark);
  }

  /** Every mark in force (the Redis backend pushes them back after an outage). */
  allMarks(): Array<{ key: string; mark: AccountMark }> {
    const now = this.now();
    return [...this.marks].filter(([, m]) => m.until > now).map(([key, mark]) => ({ key, mark }));
  }

  async pin(scope: string, affinity: string, account: string, ttlMs: number): Promise<void> {
    this.pinNow(scope, affinity, account, ttlMs);
  }

  pinNow(scope: string, affinity: string, account: string, ttlMs: number): void {
    const k = `${scope}/${affinity}`;
    this.pins.delete(k);
    if (this.pins.size >= MAX_PINS) this.pins.delete(this.pins.keys().next().value!);
    this.pins.set(k, { account, expires: this.now() + ttlMs });
  }

  begin(scope: string, account: string): void {
    const k = `${scope}/${account}`;
    this.inflight.set(k, (this.inflight.get(k) ?? 0) + 1);
    this.requests.set(k, (this.requests.get(k) ?? 0) + 1);
  }

  end(scope: string, account: string): void {
    const k = `${scope}/${account}`;
    this.inflight.set(k, Math.max(0, (this.inflight.get(k) ?? 0) - 1));
  }

  addTokens(scope: string, account: string, tokens: number): void {
    const k = `${scope}/${account}`;
    this.tokens.set(k, (this.tokens.get(k) ?? 0) + tokens);
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  health(): { status: 'pass' | 'warn'; output: string } {
    return { status: 'pass', output: 'state: memory (this process)' };
  }

  async close(): Promise<void> {}
}
