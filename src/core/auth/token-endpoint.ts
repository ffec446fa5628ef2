/**
 * POST to an OAuth 2.0 token endpoint (refresh_token or authorization_code grants), JSON or
 * form-encoded as the provider wants. Errors carry the status and the OAuth `error` /
 * `error_description`, never the request body (it holds the refresh token).
 */
import { request, type Dispatcher } from 'undici';

export class TokenEndpointError extends Error {
  /** HTTP status, or 0 when the endpoint could not be reached. */
  readonly status: number;
  /** OAuth error code (`invalid_grant`, ...) when the body had one. */
  readonly oauthError?: string;
  constructor(status: number, message: string, oauthError?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenEndpointError';
    this.status = status;
    this.oauthError = oauthError;
  }
}

export interface TokenRequestOptions {
  url: string;
  /** Grant parameters (`grant_type`, `refresh_token`, `client_id`, ...). */
  params: Record<string, string>;
  /** `json` (Anthropic) or `form` (`application/x-www-form-urlencoded`, OpenAI). */
  encoding: 'json' | 'form';
  dispatcher?: Dispatcher;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Bound for the whole call (default 30 s). */
  timeoutMs?: number;
}

/**
 * @example
 * const tokens = await postTokenRequest({ url, encoding: 'json',
 *   params: { grant_type: 'refresh_token', refresh_token, client_id } });
 */
export async function postTokenRequest(opts: TokenRequestOptions): Promise<Record<string, unknown>> {
  const body = opts.encoding === 'json' ? JSON.stringify(opts.params) : new URLSearchParams(opts.params).toString();
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(opts.url, {
      method: 'POST',
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      headers: {
        'content-type': opts.encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...opts.headers,
      },
      body,
      signal,
    });
  } catch (err) {
    throw new TokenEndpointError(0, `Token endpoint ${originOf(opts.url)} unreachable: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
  }
  const text = await res.body.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.statusCode >= 400) {
    const o = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    const err = o.error;
    const code = typeof err === 'string' ? err : err && typeof err === 'object' ? str((err as Record<string, unknown>).type) : undefined;
    const desc = str(o.error_description) ?? (err && typeof err === 'object' ? str((err as Record<string, unknown>).message) : undefined);
    const what = [code, desc].filter(Boolean).join(': ') || text.slice(0, 200) || 'no body';
    throw new TokenEndpointError(res.statusCode, `Token endpoint returned HTTP ${res.statusCode} (${what})`, code);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TokenEndpointError(res.statusCode, 'Token endpoint returned a non-JSON body');
  }
  return parsed as Record<string, unknown>;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'token endpoint';
  }
}
