/**
 * An account pool: several credentials for one provider, used so that a conversation stays on one
 * account (prompt cache), an account that hit its usage limit is skipped until its reset, and a
 * request fails over to the next ready account before anything reached the client.
 *
 * Provider-neutral: a member's `value` is whatever the provider needs to call with that account
 * (a token source, a key). `run` picks, calls, classifies the failure (limits.ts), marks the
 * account in the shared state and tries the next; a pool of one calls straight through, exactly
 * as a provider without a pool does.
 */
import { AuthError, ProxyError } from '../errors.js';
import type { Usage } from '../../formats/types.js';
import type { EventBus, RequestEvents } from '../events.js';
import { secrets } from '../secrets.js';
import type { Strategy } from './config.js';
import { limitFromError } from './limits.js';
import type { AccountMark, PoolState, PoolView } from './state.js';

/** The core services a pool runs on (a plugin's `CoreServices`). */
export interface PoolServices {
  state: PoolState;
  settings: { state: { affinity_ttl_seconds: number } };
  events?: AccountPoolOptions<unknown>['events'];
}

/** A pool on the core's `[state]` and event bus: what a provider plugin builds at initialize. */
export function accountPool<T>(services: PoolServices, provider: string, members: readonly PoolMember<T>[], strategy: Strategy): AccountPool<T> {
  return new AccountPool({
    provider,
    members,
    strategy,
    state: services.state,
    affinityTtlMs: services.settings.state.affinity_ttl_seconds * 1000,
    events: services.events,
  });
}

export interface PoolMember<T> {
  name: string;
  weight: number;
  value: T;
}

export interface AccountPoolOptions<T> {
  /** State scope and event `provider`: the provider instance (`claude_api`, `openai.local`). */
  provider: string;
  /** Enabled accounts, in configured order. */
  members: readonly PoolMember<T>[];
  strategy: Strategy;
  state: PoolState;
  affinityTtlMs: number;
  /** `account.state` goes out on it; with several accounts, `request.completed` counts each account's tokens. */
  events?: Pick<EventBus, 'emit' | 'has'> & Partial<Pick<EventBus, 'on'>>;
  now?: () => number;
  /** How long an account whose credentials failed is skipped before it is tried again (default 5 min). */
  failingMs?: number;
}

/** Every account is cooling down: a 429 with the earliest reset as `retry-after`, in the client's API. */
export class AllAccountsCoolingError extends ProxyError {
  constructor(provider: string, retryAfter: number, detail: string) {
    super('rate_limit', `All ${provider} accounts are rate limited (${detail}); the first one resets in ${retryAfter}s`, {
      code: 'CCPROXY_ERR_ALL_ACCOUNTS_COOLING',
      retryAfter,
      headers: { 'retry-after': String(retryAfter) },
      plugin: provider.split('.')[0],
      retryable: true,
    });
  }
}

export interface AccountStatus {
  name: string;
  state: 'ready' | 'cooling' | 'failing';
  until?: number;
  reason?: string;
  inflight: number;
  requests: number;
  tokens: number;
}

export class AccountPool<T> {
  readonly provider: string;
  readonly members: readonly PoolMember<T>[];
  private readonly opts: AccountPoolOptions<T>;
  private readonly now: () => number;
  /** Smooth weighted round robin: each member's current weight (nginx's algorithm). */
  private readonly current = new Map<string, number>();

  constructor(opts: AccountPoolOptions<T>) {
    if (opts.members.length === 0) throw new Error(`${opts.provider}: an account pool needs at least one enabled account`);
    this.opts = opts;
    this.provider = opts.provider;
    this.members = opts.members;
    this.now = opts.now ?? Date.now;
    if (this.pooled && opts.events?.on) this.unsubscribe = opts.events.on('request.completed', (e) => this.countTokens(e));
  }

  private readonly unsubscribe?: () => void;

  /** Stop counting (the plugin shuts down). */
  close(): void {
    this.unsubscribe?.();
  }

  /** A request an account of this pool served: its tokens count in that account's window. */
  private countTokens(e: RequestEvents['request.completed']): void {
    if (e.plugin !== this.provider || !e.account || !e.usage || !this.members.some((m) => m.name === e.account)) return;
    const n = usageTokens(e.usage);
    if (n > 0) this.opts.state.addTokens(this.provider, e.account, n);
  }

  /** More than one account: selection, affinity and failover apply. */
  get pooled(): boolean {
    return this.members.length > 1;
  }

  /**
   * Call `attempt` with an account; on a rate limit or a credential failure before the response
   * started, mark that account and try the next ready one. `affinity` is computed only for a pool
   * of more than one. Throws AllAccountsCoolingError when no account is ready and some cool down.
   */
  async run<R>(affinity: (() => string | undefined) | undefined, attempt: (member: PoolMember<T>) => Promise<R>): Promise<{ result: R; account: string }> {
    if (!this.pooled) {
      const only = this.members[0]!;
      return { result: await attempt(only), account: only.name };
    }
    const key = affinity?.();
    const names = this.members.map((m) => m.name);
    const tried = new Set<string>();
    const learned = new Map<string, AccountMark>();
    let lastError: unknown;
    for (;;) {
      const view = await this.opts.state.view(this.provider, names, key);
      for (const [name, mark] of learned) (view.marks as Map<string, AccountMark>).set(name, mark);
      const member = this.pick(view, tried, key);
      if (!member) throw this.exhausted(view, lastError);
      tried.add(member.name);
      this.opts.state.begin(this.provider, member.name);
      try {
        const result = await attempt(member);
        this.opts.state.end(this.provider, member.name);
        if (key !== undefined) {
          const pin = this.opts.state.pin(this.provider, key, member.name, this.opts.affinityTtlMs).catch(() => undefined);
          // A new or moved pin is written before the answer goes out, so the conversation's next
          // turn finds it on any instance; an unchanged one only renews its TTL meanwhile.
          if (view.pinned !== member.name) await pin;
        }
        return { result, account: member.name };
      } catch (err) {
        this.opts.state.end(this.provider, member.name);
        const mark = this.classify(err);
        if (!mark) throw err;
        lastError = err;
        learned.set(member.name, mark);
        await this.mark(member.name, mark);
      }
    }
  }

  /** Put `account` in cooldown or failing (shared with every instance on the same state). */
  async mark(account: string, mark: AccountMark | null): Promise<void> {
    await this.opts.state.mark(this.provider, account, mark).catch(() => undefined);
    const events = this.opts.events;
    if (events?.has('account.state')) {
      events.emit('account.state', {
        timestamp: this.now(), provider: this.provider, account,
        state: mark?.state ?? 'ready', ...(mark ? { until: mark.until, reason: mark.reason } : {}),
      });
    }
  }

  /** Each account's state now, for health, `/plugins` and `ccproxy accounts`. */
  async status(): Promise<AccountStatus[]> {
    const view = await this.opts.state.view(this.provider, this.members.map((m) => m.name));
    return this.members.map((m) => {
      const mark = view.marks.get(m.name);
      return {
        name: m.name,
        state: mark?.state ?? 'ready',
        ...(mark ? { until: mark.until, reason: mark.reason } : {}),
        inflight: view.inflight.get(m.name) ?? 0,
        requests: view.requests.get(m.name) ?? 0,
        tokens: view.tokens.get(m.name) ?? 0,
      };
    });
  }

  /** What a failure says about the account: cooling (rate limit), failing (credentials), or nothing. */
  private classify(err: unknown): AccountMark | undefined {
    const now = this.now();
    const limit = limitFromError(err, now);
    if (limit) return { state: 'cooling', until: limit.cooldownUntil, reason: limit.reason };
    if (err instanceof AuthError) {
      return { state: 'failing', until: now + (this.opts.failingMs ?? 300_000), reason: secrets.redact(err.message) };
    }
    return undefined;
  }

  /** The pinned account when it is ready, else the strategy's choice among ready ones; failing ones last. */
  private pick(view: PoolView, tried: ReadonlySet<string>, key: string | undefined): PoolMember<T> | undefined {
    const ready = this.members.filter((m) => !tried.has(m.name) && !view.marks.has(m.name));
    if (ready.length === 0) {
      // No account is ready and none cools down: the failing ones may have been fixed (a new login).
      const cooling = [...view.marks.values()].some((m) => m.state === 'cooling');
      return cooling ? undefined : this.members.find((m) => !tried.has(m.name));
    }
    if (key !== undefined && view.pinned !== undefined) {
      const pinned = ready.find((m) => m.name === view.pinned);
      if (pinned) return pinned;
    }
    switch (this.opts.strategy) {
      case 'fill_first':
        return ready[0];
      case 'least_used':
        return leastUsed(ready, view);
      default:
        return this.nextWeighted(ready);
    }
  }

  private nextWeighted(ready: readonly PoolMember<T>[]): PoolMember<T> {
    let total = 0;
    let best: PoolMember<T> | undefined;
    let bestWeight = -Infinity;
    for (const m of ready) {
      const w = (this.current.get(m.name) ?? 0) + m.weight;
      this.current.set(m.name, w);
      total += m.weight;
      if (w > bestWeight) {
        best = m;
        bestWeight = w;
      }
    }
    this.current.set(best!.name, bestWeight - total);
    return best!;
  }

  private exhausted(view: PoolView, lastError: unknown): unknown {
    const now = this.now();
    let earliest = Infinity;
    for (const m of view.marks.values()) if (m.state === 'cooling' && m.until < earliest) earliest = m.until;
    if (earliest === Infinity) {
      if (lastError) return lastError;
      return new AuthError(`No ${this.provider} account is usable`);
    }
    const detail = [...view.marks].map(([name, m]) => `${name}: ${m.state === 'cooling' ? `until ${new Date(m.until).toISOString()}` : 'failing'}`).join(', ');
    return new AllAccountsCoolingError(this.provider, Math.max(1, Math.ceil((earliest - now) / 1000)), detail);
  }
}

function leastUsed<T>(ready: readonly PoolMember<T>[], view: PoolView): PoolMember<T> {
  let best = ready[0]!;
  for (const m of ready) {
    const a = view.inflight.get(m.name) ?? 0;
    const b = view.inflight.get(best.name) ?? 0;
    if (a < b || (a === b && (view.requests.get(m.name) ?? 0) / m.weight < (view.requests.get(best.name) ?? 0) / best.weight)) best = m;
  }
  return best;
}

/** Input (cached or not) and output tokens of one request, as its upstream reported them. */
function usageTokens(u: Usage): number {
  return u.uncachedInputTokens + u.cacheReadTokens + u.cacheWriteTokens + u.outputTokens;
}
