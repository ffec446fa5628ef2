/**
 * The upstream client every provider calls through: `upstreamRequest` (error statuses as
 * UpstreamError, compressed bodies decoded) on the shared agent (`[http]` keep-alive,
 * connect/headers/body timeouts), composed with undici interceptors — the request tracer's tap,
 * the provider's response timeout, credentials from a token source with refresh-and-retry-once on 401, and the outcome
 * observer that feeds `upstream.response` — plus, around them, the account pool (failover before
 * the first byte, cooldowns) and the health record. One code path for every provider.
 *
 * @example
 * const upstream = upstreamClient(services.httpClient);
 * const res = await upstream.request({
 *   url: 'https://api.example.com/v1/chat/completions', headers: { 'content-type': 'application/json' }, body,
 *   credential: { source: { token: () => key }, apply: (k) => ({ headers: { authorization: `Bearer ${k}` } }) },
 *   timeout: 60, signal: req.abort, observer: req.observer, stats, plugin: 'example',
 * });
 */
import type { Dispatcher } from 'undici';
import type { RequestObserver } from '../adapter.js';
import { UpstreamConnectionError, UpstreamError } from '../errors.js';
import { currentTap } from '../http/exchange-tap.js';
import { upstreamRequest, type UpstreamRequestOptions, type UpstreamResponse } from '../http/upstream.js';
import type { AccountPool, PoolMember } from '../pool/pool.js';
import type { UpstreamCallContext } from './context.js';
import { credentials } from './credentials.js';
import { observeOutcome } from './observe.js';
import type { UpstreamStats } from './stats.js';
import { tapAttempts } from './tap.js';
import { responseTimeout } from './timeout.js';
import type { CredentialUse } from './token-source.js';

export interface UpstreamCallOptions<C = unknown> extends Omit<UpstreamRequestOptions, 'dispatcher' | 'call'> {
  /** The credential and how it goes on the request; a 401 refreshes it and repeats the request once. */
  credential?: CredentialUse<C>;
  /** Seconds to wait for the response headers (a provider's own `timeout` setting); 504 after. */
  timeout?: number;
  /** The request's observer: hears the response (`upstream.response`). */
  observer?: Pick<RequestObserver, 'upstreamResponse'>;
  /** Pool account the call goes out with (reported to the observer). */
  account?: string;
  /** Where the outcome is recorded for health. */
  stats?: UpstreamStats;
  /** A provider's reading of an error status (e.g. a usage limit with its reset), before a pool classifies it. */
  upstreamError?: (err: UpstreamError) => Error | null | undefined;
}

export interface PooledCallOptions {
  /** The conversation's affinity key, computed only when there are several accounts. */
  affinity?: () => string | undefined;
  stats?: UpstreamStats;
}

export class UpstreamClient {
  readonly #dispatcher: Dispatcher;

  constructor(dispatcher: Dispatcher) {
    // compose(a, b, c): c is outermost. The observer sees the request as the client does (after
    // a retry); the timeout bounds each attempt; the tracer's tap sees each attempt as sent.
    this.#dispatcher = dispatcher.compose(tapAttempts(), responseTimeout(), credentials(), observeOutcome());
  }

  /** One call; resolves for 1xx–3xx, throws UpstreamError (≥ 400), AuthError or UpstreamConnectionError. */
  async request<C>(opts: UpstreamCallOptions<C>): Promise<UpstreamResponse> {
    const { credential, timeout, observer, account, stats, upstreamError, ...request } = opts;
    const call: UpstreamCallContext = { plugin: opts.plugin };
    const tap = currentTap();
    if (tap) call.tap = tap;
    if (credential) call.credential = credential as CredentialUse<unknown>;
    if (observer) call.observer = observer;
    if (account !== undefined) call.account = account;
    if (timeout !== undefined) call.timeout = { ms: timeout * 1000, error: () => timeoutError(opts, call, timeout) };
    if (!stats && !upstreamError) return upstreamRequest({ ...request, dispatcher: this.#dispatcher, call });
    try {
      const res = await upstreamRequest({ ...request, dispatcher: this.#dispatcher, call });
      stats?.succeeded(res.status);
      return res;
    } catch (err) {
      const e = upstreamError && err instanceof UpstreamError ? upstreamError(err) ?? err : err;
      stats?.failed(e);
      throw e;
    }
  }

  /**
   * One call with an account of `pool`: a rate limit or a refused credential before the response
   * started marks that account and the call goes out again with the next ready one. `account` is
   * the one that served when there are several (undefined for a pool of one).
   */
  async pooled<T>(pool: AccountPool<T>, opts: PooledCallOptions, call: (member: PoolMember<T>) => UpstreamCallOptions<unknown> | Promise<UpstreamCallOptions<unknown>>): Promise<UpstreamResponse & { account?: string }> {
    const { stats } = opts;
    try {
      const { result, account } = await pool.run(opts.affinity, async (member) => {
        const o = await call(member);
        return this.request(pool.pooled ? { ...o, account: member.name } : o);
      });
      stats?.succeeded(result.status);
      return pool.pooled ? { status: result.status, headers: result.headers, body: result.body, account } : result;
    } catch (err) {
      stats?.failed(err);
      throw err;
    }
  }
}

function timeoutError(opts: UpstreamCallOptions<unknown>, call: UpstreamCallContext, seconds: number): Error {
  let origin = 'upstream';
  try {
    origin = new URL(call.sentUrl ?? String(opts.url)).origin;
  } catch {
    /* keep generic */
  }
  return new UpstreamConnectionError(`${opts.plugin ?? 'upstream'}: no response from ${origin} within ${seconds}s`, { plugin: opts.plugin, status: 504 });
}

const clients = new WeakMap<Dispatcher, UpstreamClient>();

/** The upstream client on `dispatcher` (one per dispatcher, built once). */
export function upstreamClient(dispatcher: Dispatcher): UpstreamClient {
  let c = clients.get(dispatcher);
  if (!c) clients.set(dispatcher, (c = new UpstreamClient(dispatcher)));
  return c;
}
