/**
 * The outcome-observer interceptor: when an upstream answers with success, the request's observer
 * hears the status, how long the upstream took (from the dispatch to the response headers, token
 * refresh and retry included) and the pool account that served; the core turns that into the
 * `upstream.response` event. Error statuses become errors the client sees (`request.failed`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { RequestObserver } from '../adapter.js';
import { callContext } from './context.js';
import { ForwardingHandler } from './forwarding-handler.js';

export function observeOutcome(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const ctx = callContext(opts);
    if (!ctx?.observer) return dispatch(opts, handler);
    return dispatch(opts, new ObservedCall(handler, ctx.observer, ctx.account));
  };
}

class ObservedCall extends ForwardingHandler {
  readonly #started = performance.now();

  constructor(handler: Dispatcher.DispatchHandler, private readonly observer: Pick<RequestObserver, 'upstreamResponse'>, private readonly account: string | undefined) {
    super(handler);
  }

  override onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, message?: string): void {
    if (status >= 200 && status < 400) this.observer.upstreamResponse(status, performance.now() - this.#started, this.account);
    super.onResponseStart(controller, status, headers, message);
  }
}
