/**
 * What one upstream call carries through the interceptor chain besides the request itself: the
 * dispatch options of undici get one extra field, `upstream`, that only our interceptors read.
 */
import type { Dispatcher } from 'undici';
import type { RequestObserver } from '../adapter.js';
import type { ExchangeTap } from '../http/exchange-tap.js';
import type { CredentialUse } from './token-source.js';

export interface UpstreamCallContext {
  /** Plugin name stamped on raised errors. */
  plugin?: string;
  credential?: CredentialUse<unknown>;
  /** Longest wait for the response headers, and the error when it runs out. */
  timeout?: { ms: number; error: () => Error };
  /** Told about the response (`upstream.response` on the event bus). */
  observer?: Pick<RequestObserver, 'upstreamResponse'>;
  /** The pool account the call goes out with, for the observer. */
  account?: string;
  /** The credential headers the credentials interceptor added (error bodies that quote them are scrubbed). */
  sent?: Record<string, string>;
  /** The URL the credential sent the request to, when it chose one. */
  sentUrl?: string;
  /**
   * The request tracer's tap of the model request the call runs for, taken when the call starts:
   * a retry is dispatched from undici's callbacks, outside the request's async scope.
   */
  tap?: ExchangeTap;
}

export interface UpstreamDispatchOptions extends Dispatcher.DispatchOptions {
  upstream?: UpstreamCallContext;
}

/** The call context of dispatch options, when there is one. */
export function callContext(opts: Dispatcher.DispatchOptions): UpstreamCallContext | undefined {
  return (opts as UpstreamDispatchOptions).upstream;
}
