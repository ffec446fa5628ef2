/**
 * One function every provider uses to call its upstream: undici `dispatch` on the shared
 * dispatcher, the body delivered as an UpstreamBody (upstream-body.ts), with error statuses and
 * connection failures turned into ProxyErrors the HTTP layer can render.
 *
 * Compression: we always ask for `accept-encoding: identity`. Provider bodies are SSE streams that
 * are parsed or passed through byte for byte, and the client sits on loopback, so compression only
 * costs CPU in the latency budget. If an upstream compresses anyway, the body is decoded
 * transparently (see decodeBody) and `content-encoding` is dropped from the returned headers.
 * (undici 7's `interceptors.decompress` would do the same, but it is marked experimental and prints
 * a process warning when created; it also wraps every request in two more handler objects.)
 *
 * Providers call through the upstream client (src/core/upstream/client.ts), which puts credentials,
 * timeouts and observation around this function as undici interceptors.
 */
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { ProxyError, UpstreamConnectionError, UpstreamError, UpstreamUnreadableError } from '../errors.js';
import type { AbortSignalLike } from '../adapter.js';
import { UpstreamBody } from './upstream-body.js';
import { currentTap, type UpstreamAttemptTap } from './exchange-tap.js';
import { encodeUtf8 } from '../json/utf8.js';
import { secrets } from '../secrets.js';
import type { UpstreamCallContext, UpstreamDispatchOptions } from '../upstream/context.js';

export { UpstreamBody } from './upstream-body.js';

export interface UpstreamRequestOptions {
  dispatcher: Dispatcher;
  url: string | URL;
  method?: Dispatcher.HttpMethod;
  headers: Record<string, string | string[] | undefined>;
  body?: string | Buffer | Uint8Array | Readable | null;
  /** An AbortSignal, or an adapter request's `abort` (the same without building a signal). */
  signal?: AbortSignalLike;
  /** Plugin name stamped on raised errors. */
  plugin?: string;
  /** What the upstream client's interceptors act on (credential, timeout, observer). */
  call?: UpstreamCallContext;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/**
 * Headers that describe the client's connection to us, not ours to the upstream: copying them
 * (e.g. when a plugin forwards client headers) would break the request (undici refuses some, a
 * stale content-length corrupts the body, `host` would name the proxy).
 */
const HOP_BY_HOP = new Set([
  'host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'content-length', 'expect', 'proxy-authorization', 'accept-encoding',
]);

/** How much of an error body we read (enough for any real error message, bounded against abuse). */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Parsed http(s) URLs by string: providers call a handful of fixed URLs, and `new URL` per
 * request showed in the profile. Anything else (not http(s), unparsable) maps to null.
 */
const targets = new Map<string, { origin: string; path: string } | null>();
const MAX_TARGETS = 256;

export function targetOf(url: string | URL): { origin: string; path: string } | null {
  const key = String(url);
  let t = targets.get(key);
  if (t !== undefined) return t;
  try {
    const u = new URL(key);
    t = u.protocol === 'http:' || u.protocol === 'https:' ? { origin: u.origin, path: `${u.pathname}${u.search}` } : null;
  } catch {
    t = null;
  }
  if (targets.size >= MAX_TARGETS) targets.clear();
  targets.set(key, t);
  return t;
}

/** Send a request upstream; resolves for 1xx–3xx, throws UpstreamError (≥400) or UpstreamConnectionError. */
export async function upstreamRequest(opts: UpstreamRequestOptions): Promise<UpstreamResponse> {
  const headers: Record<string, string | string[]> = {};
  for (const k in opts.headers) {
    const v = opts.headers[k];
    if (v === undefined) continue;
    const key = k.toLowerCase();
    if (!HOP_BY_HOP.has(key)) headers[key] = v;
  }
  headers['accept-encoding'] = 'identity';

  const target = targetOf(opts.url);
  if (!target) {
    throw new UpstreamConnectionError('Upstream URL is not a valid http(s) URL', { plugin: opts.plugin, retryable: false });
  }
  const method = opts.method ?? 'POST';
  // A request tracer listens: it sees this attempt as it goes (see exchange-tap.ts). The upstream
  // client's own interceptor reports its attempts, with the credential they carry.
  const tap = opts.call ? undefined : currentTap()?.upstream(method, `${target.origin}${target.path}`, headers, opts.body);
  let res: UpstreamResponse;
  const dispatch: UpstreamDispatchOptions = {
    origin: target.origin,
    path: target.path,
    method,
    headers,
    body: typeof opts.body === 'string' ? encodeUtf8(opts.body) : opts.body ?? null,
  };
  if (opts.call) dispatch.upstream = opts.call;
  try {
    res = await dispatchRequest(opts.dispatcher, dispatch, opts.signal, tap);
  } catch (err) {
    tap?.error(err);
    throw connectionError(err, opts);
  }

  const encoding = res.headers['content-encoding'];
  let body = res.body;
  if (typeof encoding === 'string' && encoding !== 'identity') {
    body = decodeBody(body, encoding);
    delete res.headers['content-encoding'];
    delete res.headers['content-length'];
  }

  if (res.status >= 400) {
    const text = await readBounded(body, MAX_ERROR_BODY).catch(() => '');
    const sent = opts.call?.sent ? { ...headers, ...opts.call.sent } : headers;
    throw errorFromResponse(res.status, res.headers, scrubCredentials(text, sent), opts.plugin);
  }
  return { status: res.status, headers: res.headers, body: guardBody(body, opts) };
}

/**
 * One request through `dispatcher.dispatch`: resolves at the response headers (1xx skipped) with
 * the body still arriving; rejects with undici's error (or the signal's reason) before them.
 */
function dispatchRequest(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSignalLike | undefined, tap?: UpstreamAttemptTap): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const call = new DispatchCall(resolve, reject, signal, tap);
    try {
      dispatcher.dispatch(options, call);
    } catch (err) {
      call.onResponseError(null, err as Error);
    }
  });
}

/** The dispatch handler of one upstream request (a class: one object per request, no closures). */
class DispatchCall implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | null = null;
  #body: UpstreamBody | null = null;
  #settled = false;
  readonly #signal: AbortSignalLike | undefined;
  readonly #tap: UpstreamAttemptTap | undefined;

  constructor(
    private readonly resolve: (res: UpstreamResponse) => void,
    private readonly reject: (err: unknown) => void,
    signal: AbortSignalLike | undefined,
    tap?: UpstreamAttemptTap,
  ) {
    this.#signal = signal;
    this.#tap = tap;
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  readonly #onAbort = (): void => {
    const reason = this.#signal!.reason instanceof Error ? this.#signal!.reason : new Error('aborted');
    if (this.#controller) this.#controller.abort(reason);
    else this.#fail(reason);
  };

  readonly #unlisten = (): void => {
    this.#signal?.removeEventListener('abort', this.#onAbort);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled && !this.#body) controller.abort(new Error('aborted'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    if (status < 200 || this.#settled) return;
    this.#settled = true;
    this.#tap?.response(status, headers);
    const body = new UpstreamBody(this.#signal ? this.#unlisten : undefined);
    body.attach(controller);
    this.#body = body;
    this.resolve({ status, headers, body });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#tap?.chunk(chunk);
    this.#body?.push(chunk);
  }

  onResponseEnd(): void {
    this.#unlisten();
    this.#body?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    this.#unlisten();
    if (this.#body) this.#tap?.error(err);
    if (this.#body) this.#body.fail(err);
    else this.#fail(err);
  }

  #fail(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.reject(err);
  }
}

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'cookie', 'proxy-authorization'];

/**
 * An upstream error body is relayed to the client: if it echoes the credential we sent (some
 * servers quote the key they rejected), the client must not learn it, even when it is a key the
 * client itself forwarded (not one the proxy holds and registered).
 */
export function scrubCredentials(text: string, sent: Record<string, string | string[]>): string {
  if (!text) return text;
  const values: string[] = [];
  for (const name of CREDENTIAL_HEADERS) {
    const raw = sent[name];
    for (const value of Array.isArray(raw) ? raw : raw ? [raw] : []) values.push(value.replace(/^(Bearer|Basic)\s+/i, '').trim());
  }
  return secrets.redact(text, values);
}

/**
 * Make the body helpers fail like the request does: a connection that breaks or stalls while a
 * plugin reads a whole body (reset, body timeout) is an UpstreamConnectionError, and a success body
 * that is not JSON an UpstreamError (502), instead of an unknown error the client sees as a 500.
 */
function guardBody(body: UpstreamBody, opts: UpstreamRequestOptions): UpstreamBody {
  return body.mapReadErrors((err) =>
    err instanceof SyntaxError
      ? new UpstreamUnreadableError('a response body that is not valid JSON', { plugin: opts.plugin, cause: err })
      : connectionError(err, opts),
  );
}

/** Put the matching zlib decoder in front of a compressed body. */
export function decodeBody(body: UpstreamBody, encoding: string): UpstreamBody {
  const enc = encoding.trim().toLowerCase();
  const decoder = enc === 'gzip' || enc === 'x-gzip' ? createGunzip()
    : enc === 'br' ? createBrotliDecompress()
    : enc === 'deflate' ? createInflate()
    : null;
  if (!decoder) return body;
  const out = new UpstreamBody();
  out.attach({
    pause: () => decoder.pause(),
    resume: () => decoder.resume(),
    abort: (reason) => {
      decoder.destroy();
      body.destroy(reason);
    },
  });
  decoder.on('data', (c: Buffer) => out.push(c));
  decoder.on('end', () => out.end());
  decoder.on('error', (e) => out.fail(e));
  void (async () => {
    try {
      for await (const c of body) {
        if (!decoder.write(c)) await new Promise((r) => decoder.once('drain', r));
      }
      decoder.end();
    } catch (err) {
      decoder.destroy(err as Error);
    }
  })();
  return out;
}

/** Read at most `limit` bytes as text, then discard the rest (destroying the body frees the socket). */
async function readBounded(body: UpstreamBody, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const b of body) {
    parts.push(b);
    size += b.length;
    if (size >= limit) break;
  }
  return Buffer.concat(parts).subarray(0, limit).toString('utf8');
}

/** Build the UpstreamError for an error status: message from the body, headers worth passing on. */
export function errorFromResponse(status: number, headers: IncomingHttpHeaders, text: string, plugin?: string): UpstreamError {
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const retryAfter = parseRetryAfter(header(headers, 'retry-after'));
  const pass: Record<string, string> = {};
  for (const name of ['retry-after', 'request-id', 'x-request-id']) {
    const v = header(headers, name);
    if (v) pass[name === 'x-request-id' ? 'upstream-request-id' : name] = v;
  }
  const message = messageFromBody(parsed, text) ?? `Upstream returned HTTP ${status}`;
  const upstreamCode = codeFromBody(parsed);
  return new UpstreamError(status, message, {
    upstreamBody: parsed ?? (text || undefined),
    retryAfter,
    headers: pass,
    upstreamHeaders: headers,
    plugin,
    ...(upstreamCode ? { code: upstreamCode } : {}),
  });
}

/** Anthropic `{error:{message}}`, OpenAI `{error:{message}}`, ChatGPT `{detail}`, or short plain text. */
function messageFromBody(parsed: unknown, text: string): string | undefined {
  if (parsed && typeof parsed === 'object') {
    const o = parsed as Record<string, unknown>;
    const e = o.error;
    if (e && typeof e === 'object' && typeof (e as Record<string, unknown>).message === 'string') {
      return (e as Record<string, string>).message;
    }
    if (typeof e === 'string') return e;
    if (typeof o.message === 'string') return o.message;
    if (typeof o.detail === 'string') return o.detail;
    if (o.detail && typeof o.detail === 'object' && typeof (o.detail as Record<string, unknown>).message === 'string') {
      return (o.detail as Record<string, string>).message;
    }
    return undefined;
  }
  const trimmed = text.trim();
  // HTML error pages from proxies/CDNs are noise for a client; keep plain short text only.
  if (trimmed && !trimmed.startsWith('<') && trimmed.length <= 500) return trimmed;
  return undefined;
}

function codeFromBody(parsed: unknown): string | undefined {
  if (!parsed || typeof parsed !== 'object') return undefined;
  const e = (parsed as Record<string, unknown>).error;
  if (e && typeof e === 'object') {
    const code = (e as Record<string, unknown>).code;
    if (typeof code === 'string' && code) return code;
  }
  return undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `retry-after` as seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

const CONNECTION_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for response headers',
  UND_ERR_BODY_TIMEOUT: 'timed out waiting for response body',
  UND_ERR_SOCKET: 'socket error',
  UND_ERR_CLOSED: 'client closed',
  UND_ERR_HEADERS_OVERFLOW: 'response headers too large',
  UND_ERR_RESPONSE_STATUS_CODE: 'bad response status',
};

/**
 * Map a thrown transport error to UpstreamConnectionError. Only the origin (no path/query, which
 * may carry keys) and the error code go into the message.
 */
export function connectionError(err: unknown, opts: { url: string | URL; plugin?: string; signal?: AbortSignalLike }): ProxyError {
  if (err instanceof ProxyError) return err;
  let origin = 'upstream';
  try {
    origin = new URL(String(opts.url)).origin;
  } catch {
    /* keep generic */
  }
  if (opts.signal?.aborted) {
    return new UpstreamConnectionError(`Request to ${origin} aborted`, {
      plugin: opts.plugin, retryable: false, code: 'CCPROXY_ERR_ABORTED', status: 499, cause: err,
    });
  }
  const code = errorCode(err);
  const what = (code && CONNECTION_MESSAGES[code]) ?? 'request failed';
  const timeout = code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ETIMEDOUT';
  return new UpstreamConnectionError(`Could not reach ${origin}: ${what}${code ? ` (${code})` : ''}`, {
    plugin: opts.plugin, cause: err, ...(timeout ? { status: 504 } : {}),
  });
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  // undici wraps socket errors in `cause`; walk a few levels.
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
