/**
 * One error catalogue for the whole proxy. Every error has a code, an HTTP status, a kind (which
 * maps to each API's error `type`) and, when raised inside a plugin, the plugin's name. The HTTP
 * layer renders it in the error body of the API the request came in on (renderError).
 */
import type { ApiFormat } from '../formats/types.js';
import { secrets } from './secrets.js';

/** Kinds shared by both wire formats; each maps to an Anthropic and an OpenAI error type. */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'request_too_large'
  | 'rate_limit'
  | 'api_error'
  | 'overloaded'
  | 'timeout';

export const ANTHROPIC_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  request_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  api_error: 'api_error',
  overloaded: 'overloaded_error',
  timeout: 'timeout_error',
};

export const OPENAI_TYPE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  request_too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  api_error: 'server_error',
  overloaded: 'server_error',
  timeout: 'timeout_error',
};

export const KIND_STATUS: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limit: 429,
  api_error: 500,
  overloaded: 529,
  timeout: 504,
};

export interface ProxyErrorOptions {
  status?: number;
  plugin?: string;
  /** Machine-readable code, `CCPROXY_ERR_*` or an upstream code. */
  code?: string;
  /** OpenAI `param`. */
  param?: string;
  /** Seconds, forwarded as `retry-after`. */
  retryAfter?: number;
  /** May the router try the next provider? (only before the first byte reached the client) */
  retryable?: boolean;
  cause?: unknown;
  /** Extra response headers (e.g. upstream `retry-after`, `request-id`). */
  headers?: Record<string, string>;
}

export class ProxyError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly code: string;
  readonly param?: string;
  readonly retryAfter?: number;
  readonly retryable: boolean;
  readonly headers: Record<string, string>;
  plugin?: string;

  constructor(kind: ErrorKind, message: string, opts: ProxyErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.status = opts.status ?? KIND_STATUS[kind];
    this.code = opts.code ?? `CCPROXY_ERR_${kind.toUpperCase()}`;
    this.param = opts.param;
    this.retryAfter = opts.retryAfter;
    this.retryable = opts.retryable ?? false;
    this.headers = opts.headers ?? {};
    this.plugin = opts.plugin;
  }
}

/** Client sent something we cannot accept (bad JSON, schema violation, unsupported option). */
export class ValidationError extends ProxyError {
  constructor(message: string, opts: ProxyErrorOptions = {}) {
    super('invalid_request', message, { code: 'CCPROXY_ERR_VALIDATION', ...opts });
  }
}

/**
 * A request field with the wrong shape: a 400 that names it, in the message (`system.0: must be an
 * object, got null`, the form Anthropic's own validation errors take) and as OpenAI's `param`.
 * `path` is the field's path with dots, array indices as numbers (`messages.3.content`).
 */
export function invalidField(path: string | ReadonlyArray<string | number>, problem: string): ValidationError {
  const param = typeof path === 'string' ? path : path.join('.');
  return new ValidationError(`${param}: ${problem}`, { param, code: 'CCPROXY_ERR_INVALID_FIELD' });
}

/** How a value reads in an error message: its JSON type (`null`, `array`, `string`…). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Missing/expired/unrefreshable credentials, or the client failed the proxy's own auth. */
export class AuthError extends ProxyError {
  constructor(message: string, opts: ProxyErrorOptions = {}) {
    super('authentication', message, { code: 'CCPROXY_ERR_AUTH', ...opts });
  }
}

/** The upstream answered with an error status; carries the upstream's status and message. */
export class UpstreamError extends ProxyError {
  readonly upstreamStatus: number;
  readonly upstreamBody?: unknown;
  /**
   * The upstream's response headers, for code that reads limit signals (account pools read
   * `anthropic-ratelimit-*-reset`); never rendered to the client (`headers` is what passes on).
   */
  readonly upstreamHeaders?: Readonly<Record<string, string | string[] | undefined>>;
  constructor(
    status: number,
    message: string,
    opts: ProxyErrorOptions & { kind?: ErrorKind; upstreamBody?: unknown; upstreamHeaders?: Readonly<Record<string, string | string[] | undefined>> } = {},
  ) {
    const kind = opts.kind ?? kindForStatus(status);
    super(kind, message, {
      code: 'CCPROXY_ERR_UPSTREAM',
      retryable: status === 429 || status >= 500,
      ...opts,
      status,
    });
    this.upstreamStatus = status;
    this.upstreamBody = opts.upstreamBody;
    this.upstreamHeaders = opts.upstreamHeaders;
  }
}

/** Could not reach the upstream at all (refused, reset, DNS, connect/header timeout). */
export class UpstreamConnectionError extends ProxyError {
  constructor(message: string, opts: ProxyErrorOptions = {}) {
    super('api_error', message, { code: 'CCPROXY_ERR_UPSTREAM_CONNECTION', status: 502, retryable: true, ...opts });
  }
}

/**
 * The upstream answered with success, but with something that is not an answer of its API (a
 * body that is not JSON, `content: 5`, an event missing what it must carry): the upstream's fault,
 * a 502. `what` describes the shape, never the upstream's text (it may carry anything).
 */
export class UpstreamUnreadableError extends ProxyError {
  constructor(what: string, opts: ProxyErrorOptions = {}) {
    super('api_error', `Upstream answered something unreadable: ${what}`, {
      code: 'CCPROXY_ERR_UPSTREAM_UNREADABLE', status: 502, retryable: true, ...opts,
    });
  }
}

/** A plugin failed in a way that is its own fault (bug, not initialized, misconfigured). */
export class PluginError extends ProxyError {
  constructor(plugin: string, message: string, opts: ProxyErrorOptions = {}) {
    super('api_error', message, { code: 'CCPROXY_ERR_PLUGIN', ...opts, plugin });
  }
}

/** Startup/config problems: rendered by the CLI as one readable line, never over HTTP. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

export function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 504 || status === 408) return 'timeout';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'api_error';
}

/**
 * Wire body for an error in the client's API format. Anthropic's carries `request_id` (the API
 * always sends one): the request's id (its `x-request-id`), or null where none is known yet. The
 * message may quote an upstream or a token endpoint: secrets are redacted here, the one place every
 * error body and error event is built.
 */
export function renderError(api: ApiFormat, err: ProxyError, requestId: string | null = null): Record<string, unknown> {
  const message = secrets.redact(err.message);
  if (api === 'anthropic') {
    return { type: 'error', error: { type: ANTHROPIC_TYPE[err.kind], message }, request_id: requestId };
  }
  return {
    error: {
      message,
      type: OPENAI_TYPE[err.kind],
      code: openaiCode(err),
      param: err.param ?? null,
    },
  };
}

function openaiCode(err: ProxyError): string | null {
  if (err.kind === 'rate_limit') return 'rate_limit_exceeded';
  if (err.kind === 'authentication') return 'invalid_api_key';
  if (err.kind === 'request_too_large') return 'request_too_large';
  if (err.kind === 'invalid_request') return err.code.startsWith('CCPROXY_ERR') ? 'invalid_request' : err.code;
  return err.code.startsWith('CCPROXY_ERR') ? null : err.code;
}

/** Anything thrown → ProxyError (unknown errors become a generic 500 without leaking internals). */
export function toProxyError(err: unknown, plugin?: string): ProxyError {
  if (err instanceof ProxyError) {
    if (plugin && !err.plugin) err.plugin = plugin;
    return err;
  }
  return new PluginError(plugin ?? 'core', 'Internal proxy error', { cause: err });
}
