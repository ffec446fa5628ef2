/**
 * Pool state shared through Redis by several proxy instances (`[state] backend = "redis"`):
 * cooldowns and failures (`<prefix>:mark:<provider>:<account>`, expiring with the mark), the
 * affinity map (`<prefix>:pin:<provider>:<hash>`, TTL), in-flight, request and token counts (hashes
 * `<prefix>:inflight|requests|tokens:<provider>`), and per-key locks (`<prefix>:lock:<key>`, SET NX PX
 * with an owner token, released only by their owner).
 *
 * Every write also goes to a local MemoryPoolState, and every read mirrors what it learns into it:
 * when Redis is unreachable the instance goes on with that local view (requests never wait on a
 * dead Redis: no offline queue, short command timeout), health says `warn`, and when Redis returns
 * the marks learned meanwhile are written back (without overwriting newer ones) and reads resume.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MemoryPoolState, type AccountMark, type PoolState, type PoolView } from './state.js';

export interface RedisPoolStateOptions {
  url: string;
  prefix: string;
  logger?: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
  /** How long a lock is held at most if its holder dies (default 30 s). */
  lockTtlMs?: number;
  /** How long a waiter waits for a lock before giving up (default 60 s). */
  lockWaitMs?: number;
}

export class RedisPoolState implements PoolState {
  readonly local: MemoryPoolState;
  private readonly redis: Redis;
  private readonly opts: RedisPoolStateOptions;
  private readonly now: () => number;
  private readonly where: string;
  private up = false;
  private everUp = false;
  private downSince: number | undefined;
  private lastError = 'not connected yet';
  private closed = false;
  private readonly firstReady: Promise<void>;

  constructor(opts: RedisPoolStateOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.local = new MemoryPoolState(this.now);
    this.where = describeUrl(opts.url);
    this.redis = new Redis(opts.url, {
      // A request never waits for Redis: a command while it is away fails at once (local view).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * times, 1000),
      lazyConnect: false,
    });
    this.firstReady = new Promise((resolve) => {
      this.redis.once('ready', () => resolve());
      this.redis.once('end', () => resolve());
      setTimeout(resolve, 3000).unref();
    });
    this.redis.on('ready', () => void this.onReady());
    this.redis.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    this.redis.on('close', () => this.markDown('connection closed'));
  }

  /** True while Redis answers (the shared view is in use). */
  get connected(): boolean {
    return this.up;
  }

  /** The Redis client, for stores that keep more than pool state there (credentials). */
  client(): Redis {
    return this.redis;
  }

  /** `<prefix>:<name>`. */
  key(name: string): string {
    return `${this.opts.prefix}:${name}`;
  }

  /** Names of the accounts whose credentials Redis holds for `provider` (`<prefix>:cred:<provider>:<account>`). */
  async credentialAccounts(provider: string): Promise<string[]> {
    const prefix = this.key(`cred:${provider}:`);
    const names = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
      cursor = next;
      for (const k of keys) names.add(k.slice(prefix.length));
    } while (cursor !== '0');
    return [...names];
  }

  /** Resolves once connected (or after a few seconds without Redis: the local view serves). */
  ready(): Promise<void> {
    return this.firstReady;
  }

  async view(scope: string, accounts: readonly string[], affinity?: string): Promise<PoolView> {
    if (!this.up) return this.local.viewNow(scope, accounts, affinity);
    try {
      const p = this.opts.prefix;
      const pipe = this.redis.pipeline();
      pipe.mget(...accounts.map((a) => `${p}:mark:${scope}:${a}`));
      pipe.hmget(`${p}:inflight:${scope}`, ...accounts);
      pipe.hmget(`${p}:requests:${scope}`, ...accounts);
      pipe.hmget(`${p}:tokens:${scope}`, ...accounts);
      if (affinity !== undefined) pipe.get(`${p}:pin:${scope}:${affinity}`);
      const results = await pipe.exec();
      if (!results) throw new Error('pipeline discarded');
      for (const [err] of results) if (err) throw err;
      const [marksRaw, inflightRaw, requestsRaw, tokensRaw, pinRaw] = results.map((r) => r[1]) as [Array<string | null>, Array<string | null>, Array<string | null>, Array<string | null>, string | null | undefined];
      const now = this.now();
      const marks = new Map<string, AccountMark>();
      const inflight = new Map<string, number>();
      const requests = new Map<string, number>();
      const tokens = new Map<string, number>();
      const count = (raw: string | null | undefined): number => Math.max(0, Number(raw ?? 0) || 0);
      accounts.forEach((a, i) => {
        const mark = parseMark(marksRaw[i]);
        if (mark && mark.until > now) {
          marks.set(a, mark);
          this.local.markNow(scope, a, mark);
        }
        inflight.set(a, count(inflightRaw[i]));
        requests.set(a, count(requestsRaw[i]));
        tokens.set(a, count(tokensRaw[i]));
      });
      const pinned = typeof pinRaw === 'string' && accounts.includes(pinRaw) ? pinRaw : undefined;
      return { marks, inflight, requests, tokens, ...(pinned ? { pinned } : {}) };
    } catch (err) {
      this.markDown(err);
      return this.local.viewNow(scope, accounts, affinity);
    }
  }

  async mark(scope: string, account: string, mark: AccountMark | null): Promise<void> {
    this.local.markNow(scope, account, mark);
    if (!this.up) return;
    const p = this.opts.prefix;
    const key = `${p}:mark:${scope}:${account}`;
    try {
      if (!mark) {
        await this.redis.del(key);
        return;
      }
      const pipe = this.redis.pipeline().set(key, JSON.stringify(mark), 'PX', Math.max(1, mark.until - this.now()));
      if (mark.state === 'cooling') pipe.hdel(`${p}:requests:${scope}`, account).hdel(`${p}:tokens:${scope}`, account);
      const results = await pipe.exec();
      for (const [err] of results ?? []) if (err) throw err;
    } catch (err) {
      this.markDown(err);
    }
  }

  async pin(scope: string, affinity: string, account: string, ttlMs: number): Promise<void> {
    this.local.pinNow(scope, affinity, account, ttlMs);
    if (!this.up) return;
    await this.redis.set(`${this.opts.prefix}:pin:${scope}:${affinity}`, account, 'PX', ttlMs).catch((err: unknown) => this.markDown(err));
  }

  begin(scope: string, account: string): void {
    this.local.begin(scope, account);
    if (!this.up) return;
    const p = this.opts.prefix;
    this.redis.pipeline().hincrby(`${p}:inflight:${scope}`, account, 1).hincrby(`${p}:requests:${scope}`, account, 1).exec().catch((err: unknown) => this.markDown(err));
  }

  end(scope: string, account: string): void {
    this.local.end(scope, account);
    if (!this.up) return;
    this.redis.hincrby(`${this.opts.prefix}:inflight:${scope}`, account, -1).catch((err: unknown) => this.markDown(err));
  }

  addTokens(scope: string, account: string, tokens: number): void {
    this.local.addTokens(scope, account, tokens);
    if (!this.up) return;
    this.redis.hincrby(`${this.opts.prefix}:tokens:${scope}`, account, tokens).catch((err: unknown) => this.markDown(err));
  }

  /** One holder per key in this process (local queue), then across instances (Redis SET NX PX). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.local.withLock(key, async () => {
      const release = await this.acquire(`${this.opts.prefix}:lock:${key}`);
      try {
        return await fn();
      } finally {
        await release();
      }
    });
  }

  health(): { status: 'pass' | 'warn'; output: string } {
    if (this.up) return { status: 'pass', output: `state: redis at ${this.where}` };
    const since = this.downSince === undefined ? '' : ` since ${new Date(this.downSince).toISOString()}`;
    return { status: 'warn', output: `state: Redis at ${this.where} unreachable${since} (${this.lastError}); this instance goes on with its own view and resyncs when Redis returns` };
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      if (this.up) await this.redis.quit();
    } catch {
      /* already gone */
    } finally {
      this.redis.disconnect();
    }
  }

  /** A lock owned by this call: wait while another holds it (bounded), or go on alone without Redis. */
  private async acquire(lockKey: string): Promise<() => Promise<void>> {
    const token = randomUUID();
    const deadline = this.now() + (this.opts.lockWaitMs ?? 60_000);
    for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
      if (!this.up) return async () => undefined;
      try {
        const ok = await this.redis.set(lockKey, token, 'PX', this.opts.lockTtlMs ?? 30_000, 'NX');
        if (ok === 'OK') {
          return async () => {
            await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
          };
        }
      } catch (err) {
        this.markDown(err);
        return async () => undefined;
      }
      if (this.now() > deadline) throw new Error(`Timed out waiting for the shared lock ${lockKey}`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private markDown(err: unknown): void {
    if (this.closed) return;
    if (err !== 'connection closed') this.lastError = err instanceof Error ? err.message : String(err);
    if (!this.up) return;
    this.up = false;
    this.downSince = this.now();
    this.opts.logger?.warn({ redis: this.where, error: this.lastError }, 'Redis unreachable: account-pool state continues from this instance\'s own view');
  }

  /** (Re)connected: write back the marks learned while away (newer remote ones win), then read from Redis again. */
  private async onReady(): Promise<void> {
    const returning = this.everUp;
    this.everUp = true;
    const p = this.opts.prefix;
    try {
      const pipe = this.redis.pipeline();
      const now = this.now();
      for (const { key, mark } of this.local.allMarks()) {
        const [scope, account] = splitKey(key);
        pipe.set(`${p}:mark:${scope}:${account}`, JSON.stringify(mark), 'PX', Math.max(1, mark.until - now), 'NX');
      }
      await pipe.exec();
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      return;
    }
    this.up = true;
    this.downSince = undefined;
    if (returning) this.opts.logger?.info({ redis: this.where }, 'Redis is back: account-pool state resynced');
  }
}

/** Delete the lock only if this owner still holds it (it may have expired and been taken). */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

function parseMark(raw: string | null | undefined): AccountMark | undefined {
  if (!raw) return undefined;
  try {
    const m = JSON.parse(raw) as Partial<AccountMark>;
    if ((m.state === 'cooling' || m.state === 'failing') && typeof m.until === 'number' && typeof m.reason === 'string') return { state: m.state, until: m.until, reason: m.reason };
  } catch {
    /* not ours */
  }
  return undefined;
}

/** `scope/account` (MemoryPoolState's key) → its parts; account names hold no `/`. */
function splitKey(key: string): [string, string] {
  const i = key.lastIndexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** host:port/db, without user or password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'an invalid redis_url';
  }
}
