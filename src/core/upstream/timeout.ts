/**
 * The response-timeout interceptor: a provider's own bound on the wait for response headers (its
 * `timeout` setting), on top of `[http] headers_timeout`, which the shared agent applies to every
 * request. Only the headers: a long stream is bounded by `[http] body_timeout` between chunks.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { callContext } from './context.js';
import { ForwardingHandler } from './forwarding-handler.js';

export function responseTimeout(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const timeout = callContext(opts)?.timeout;
    if (!timeout) return dispatch(opts, handler);
    return dispatch(opts, new TimedCall(handler, timeout.ms, timeout.error));
  };
}

class TimedCall extends ForwardingHandler {
  #controller: Dispatcher.DispatchController | null = null;
  #expired: Error | null = null;
  readonly #timer: NodeJS.Timeout;

  constructor(handler: Dispatcher.DispatchHandler, ms: number, error: () => Error) {
    super(handler);
    this.#timer = setTimeout(() => {
      this.#expired = error();
      this.#controller?.abort(this.#expired);
    }, ms);
    this.#timer.unref();
  }

  override onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#controller = controller;
    super.onRequestStart(controller, context);
    if (this.#expired) controller.abort(this.#expired);
  }

  override onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, message?: string): void {
    if (status >= 200) clearTimeout(this.#timer);
    super.onResponseStart(controller, status, headers, message);
  }

  override onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    clearTimeout(this.#timer);
    super.onResponseEnd(controller, trailers);
  }

  override onResponseError(controller: Dispatcher.DispatchController, err: Error): void {
    clearTimeout(this.#timer);
    // Report the timeout itself: undici may hand back a wrapped abort error.
    super.onResponseError(controller, this.#expired ?? err);
  }
}
