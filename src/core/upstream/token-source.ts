/**
 * Where an upstream call's credential comes from. Every provider's credential code is one of these:
 * the OAuth TokenRefresher (claude_api, codex), copilot's token exchange, a configured API key. The
 * upstream client's credentials interceptor asks for a credential before each request and, when the
 * upstream answers 401, for a fresh one, once.
 *
 * @example
 * const key: TokenSource<string> = { token: () => settings.api_key };
 * const oauth: TokenSource<Tokens> = refresher; // TokenRefresher is one
 */
import type { UpstreamError } from '../errors.js';

export interface TokenSource<C = string> {
  /** A credential to send now (refreshed first when it is about to expire). Throws when there is none. */
  token(): C | Promise<C>;
  /**
   * The upstream refused `failed` (401): a credential worth one more try. Single flight: callers
   * that saw the same token share one refresh. Absent when nothing can be refreshed (API keys).
   */
  refresh?(failed: C): Promise<C>;
  /**
   * What the client sees when the upstream refused the credential for good (after the refresh, or
   * at once when there is no refresh): by default the upstream's own 401.
   */
  rejected?(err: UpstreamError, refreshed: boolean): Error;
}

/** How a credential goes on the wire: headers (lower-case names), and the URL when it depends on the credential. */
export interface CredentialUse<C> {
  source: TokenSource<C>;
  apply(credential: C): { headers: Record<string, string>; url?: string };
}
