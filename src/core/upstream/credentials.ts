/**
 * The credentials interceptor: puts the call's credential on the request and, when the upstream
 * answers 401, asks the token source for a fresh one and sends the request once more. This is the
 * one place a refused credential is recognised (the status line, before any body is read); a 401
 * after the retry, or from a source that cannot refresh, reaches the client as the source's
 * `rejected` error, or as the upstream's own 401.
 *
 * The request body must be replayable (a string or a Buffer): every provider sends one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { errorFromResponse, scrubCredentials, targetOf } from '../http/upstream.js';
import { UpstreamConnectionError } from '../errors.js';
import { callContext, type UpstreamCallContext } from './context.js';
import type { CredentialUse } from './token-source.js';

/** How much of a final 401 body is read for its message (as for every error body). */
const MAX_ERROR_BODY = 64 * 1024;

export function credentials(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const ctx = callContext(opts);
    if (!ctx?.credential) return dispatch(opts, handler);
    new CredentialCall(dispatch, opts, ctx, ctx.credential, handler).next(() => ctx.credential!.source.token());
    return true;
  };
}

type Phase = 'forward' | 'retry' | 'reject' | 'between' | 'done';

/** One credentialed call across its (at most two) attempts; the downstream handler sees one request. */
class CredentialCall implements Dispatcher.DispatchHandler {
  readonly #controller = new AttemptController(this);
  #phase: Phase = 'between';
  #attempt = 0;
  #started = false;
  #sent: unknown;
  #rejection: { headers: IncomingHttpHeaders; chunks: Buffer[]; size: number } | null = null;

  constructor(
    private readonly dispatch: Dispatcher['dispatch'],
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly ctx: UpstreamCallContext,
    private readonly credential: CredentialUse<unknown>,
    private readonly handler: Dispatcher.DispatchHandler,
  ) {}

  /** Get a credential (sync or async) and send the attempt with it. */
  next(get: () => unknown): void {
    let got: unknown;
    try {
      got = get();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (got instanceof Promise) got.then((c) => this.#send(c), (err: unknown) => this.fail(err));
    else this.#send(got);
  }

  #send(cred: unknown): void {
    if (this.#phase === 'done') return;
    const reason = this.#controller.reason;
    if (reason) {
      this.fail(reason);
      return;
    }
    this.#sent = cred;
    this.#phase = 'forward';
    try {
      const use = this.credential.apply(cred);
      this.ctx.sent = use.headers;
      if (use.url !== undefined) this.ctx.sentUrl = use.url;
      const target = use.url === undefined ? undefined : targetOf(use.url);
      if (use.url !== undefined && !target) {
        throw new UpstreamConnectionError('Upstream URL is not a valid http(s) URL', { plugin: this.ctx.plugin, retryable: false });
      }
      this.dispatch({
        ...this.opts,
        ...(target ? { origin: target.origin, path: target.path } : {}),
        headers: { ...(this.opts.headers as Record<string, string | string[]>), ...use.headers },
      }, this);
    } catch (err) {
      this.fail(err);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#controller.target = controller;
    const reason = this.#controller.reason;
    if (reason) {
      controller.abort(reason);
      return;
    }
    if (this.#started) return;
    this.#started = true;
    this.handler.onRequestStart?.(this.#controller, context);
  }

  onRequestUpgrade(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.handler.onRequestUpgrade?.(this.#controller, status, headers, socket);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, message?: string): void {
    if (status === 401 && this.#phase === 'forward') {
      const source = this.credential.source;
      if (this.#attempt === 0 && source.refresh) {
        this.#phase = 'retry';
        return;
      }
      if (source.rejected) {
        this.#phase = 'reject';
        this.#rejection = { headers, chunks: [], size: 0 };
        return;
      }
    }
    if (this.#phase === 'forward') this.handler.onResponseStart?.(this.#controller, status, headers, message);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#phase === 'forward') {
      this.handler.onResponseData?.(this.#controller, chunk);
      return;
    }
    const r = this.#rejection;
    if (this.#phase === 'reject' && r && r.size < MAX_ERROR_BODY) {
      r.chunks.push(chunk);
      r.size += chunk.length;
    }
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    switch (this.#phase) {
      case 'forward':
        this.#phase = 'done';
        this.handler.onResponseEnd?.(this.#controller, trailers);
        return;
      case 'retry': {
        this.#phase = 'between';
        this.#attempt = 1;
        const failed = this.#sent;
        this.next(() => this.credential.source.refresh!(failed));
        return;
      }
      case 'reject': {
        const r = this.#rejection!;
        const text = Buffer.concat(r.chunks).subarray(0, MAX_ERROR_BODY).toString('utf8');
        const refused = errorFromResponse(401, r.headers, scrubCredentials(text, this.ctx.sent ?? {}), this.ctx.plugin);
        this.fail(this.credential.source.rejected!(refused, this.#attempt > 0));
        return;
      }
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }

  /** Abort from downstream: between attempts there is no request to abort, so the call ends here. */
  aborted(reason: Error): void {
    if (this.#phase === 'between') this.fail(reason);
    else this.#controller.target?.abort(reason);
  }

  fail(err: unknown): void {
    if (this.#phase === 'done') return;
    this.#phase = 'done';
    this.handler.onResponseError?.(this.#controller, err instanceof Error ? err : new Error(String(err)));
  }
}

/** The controller the downstream handler holds: always the current attempt's. */
class AttemptController implements Dispatcher.DispatchController {
  target: Dispatcher.DispatchController | null = null;
  #reason: Error | null = null;

  constructor(private readonly call: CredentialCall) {}

  get aborted(): boolean {
    return this.#reason !== null || (this.target?.aborted ?? false);
  }

  get paused(): boolean {
    return this.target?.paused ?? false;
  }

  get reason(): Error | null {
    return this.#reason ?? this.target?.reason ?? null;
  }

  abort(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.call.aborted(reason);
  }

  pause(): void {
    this.target?.pause();
  }

  resume(): void {
    this.target?.resume();
  }
}
