/**
 * The exchange-tap interceptor: while a request tracer listens (exchange-tap.ts), every attempt
 * the upstream client sends is reported as it goes out — innermost in the chain, so with the
 * credential and URL it really carries, and a 401 retry as an attempt of its own.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { UpstreamAttemptTap } from '../http/exchange-tap.js';
import { callContext } from './context.js';
import { ForwardingHandler } from './forwarding-handler.js';

export function tapAttempts(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const tap = callContext(opts)?.tap;
    if (!tap) return dispatch(opts, handler);
    const url = `${String(opts.origin ?? '')}${opts.path}`;
    const attempt = tap.upstream(opts.method, url, opts.headers as Record<string, string | string[]>, opts.body);
    return dispatch(opts, new TappedCall(handler, attempt));
  };
}

class TappedCall extends ForwardingHandler {
  constructor(handler: Dispatcher.DispatchHandler, private readonly attempt: UpstreamAttemptTap) {
    super(handler);
  }

  override onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, message?: string): void {
    if (status >= 200) this.attempt.response(status, headers);
    super.onResponseStart(controller, status, headers, message);
  }

  override onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.attempt.chunk(chunk);
    super.onResponseData(controller, chunk);
  }

  override onResponseError(controller: Dispatcher.DispatchController, err: Error): void {
    this.attempt.error(err);
    super.onResponseError(controller, err);
  }
}
