/**
 * POST to an OAuth 2.0 token endpoint (refresh_token or authorization_code grants), JSON or
 * form-encoded as the provider wants, and reading what it issued. Errors name the endpoint and carry
 * the status and the OAuth `error` / `error_description`, never a secret: the endpoint's words are
 * redacted (an `error_description` may quote the refresh token it refused), and the request body
 * is never quoted. Every token an endpoint issues is registered with the core redactor at once.
 */
import { request, type Dispatcher } from 'undici';
import { AuthError, ProxyError } from '../errors.js';
import { secrets } from '../secrets.js';
import { unusableToken } from './token-text.js';

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

  /** The endpoint said yes but issued nothing usable (no access token, a token with CR/LF, not JSON). */
  get unusableAnswer(): boolean {
    return this.status >= 200 && this.status < 400;
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

/** Grant parameters that are secrets: redacted from whatever the endpoint answers. */
const SECRET_PARAMS = ['refresh_token', 'code', 'code_verifier', 'client_secret'];

/**
 * @example
 * const body = await postTokenRequest({ url, encoding: 'json',
 *   params: { grant_type: 'refresh_token', refresh_token, client_id } });
 */
export async function postTokenRequest(opts: TokenRequestOptions): Promise<Record<string, unknown>> {
  const body = opts.encoding === 'json' ? JSON.stringify(opts.params) : new URLSearchParams(opts.params).toString();
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const where = endpointName(opts.url);
  const sent = SECRET_PARAMS.map((k) => opts.params[k]).filter((v): v is string => Boolean(v));
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
    throw new TokenEndpointError(0, `Token endpoint ${where} unreachable: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
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
    throw new TokenEndpointError(res.statusCode, `Token endpoint ${where} returned HTTP ${res.statusCode} (${secrets.redact(what, sent)})`, code);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TokenEndpointError(res.statusCode, `Token endpoint ${where} answered HTTP ${res.statusCode} with a body that is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** What a token endpoint issued, checked. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Seconds, when the endpoint said. */
  expiresIn?: number;
  /** Space-separated scopes, when the endpoint said. */
  scope?: string;
}

/**
 * A success answer's tokens. No `access_token`, or any token that could not be sent as a header
 * (CR/LF, control characters), is the endpoint's fault: a TokenEndpointError that names it, and
 * nothing of the answer is used or saved.
 */
export function readIssuedTokens(body: Record<string, unknown>, url: string): IssuedTokens {
  const where = endpointName(url);
  const accessToken = str(body.access_token);
  if (!accessToken) throw new TokenEndpointError(200, `Token endpoint ${where} answered without an access_token`, 'invalid_token_response');
  const tokens = { access_token: accessToken, refresh_token: str(body.refresh_token), id_token: str(body.id_token) };
  secrets.register(tokens.access_token, tokens.refresh_token, tokens.id_token);
  const bad = unusableToken(tokens);
  if (bad) throw new TokenEndpointError(200, `Token endpoint ${where} issued an ${bad.name} that ${bad.problem}; refused, nothing was saved`, 'invalid_token_response');
  return {
    accessToken,
    refreshToken: tokens.refresh_token,
    idToken: tokens.id_token,
    expiresIn: typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) ? body.expires_in : undefined,
    scope: str(body.scope),
  };
}

/** `postTokenRequest` + `readIssuedTokens`. */
export async function requestTokens(opts: TokenRequestOptions): Promise<IssuedTokens> {
  return readIssuedTokens(await postTokenRequest(opts), opts.url);
}

/**
 * A failed token refresh as the client sees it. The endpoint refused the grant (4xx) or could not
 * be reached: a 401 that says how to log in again. It answered success with nothing usable: its
 * own fault, a 502 naming it.
 */
export function refreshFailure(err: TokenEndpointError, what: string, loginHint: string, plugin?: string): ProxyError {
  if (err.unusableAnswer) {
    return new ProxyError('api_error', `${what} token refresh failed: ${err.message}`, { status: 502, code: 'CCPROXY_ERR_TOKEN_ENDPOINT', plugin, cause: err });
  }
  return new AuthError(`${what} token refresh failed: ${err.message}; ${loginHint}`, { plugin, cause: err });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** The endpoint as error messages name it: origin and path, never a query. */
function endpointName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
