/**
 * Keeps the Codex access token usable: the core's single-flight TokenRefresher on the core's file
 * token store (locked, re-reading, atomic refresh; refreshed tokens never lost), specialised to
 * auth.json and OpenAI's token endpoint (form-encoded `grant_type=refresh_token`, client id of the
 * Codex CLI).
 */
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { CredentialFile, CredentialFileError, fileTokenStore, TokenRefresher, TokenEndpointError, refreshFailure, requestTokens, AuthError, type CredentialStore, type IssuedTokens, type RefreshRecord, type TokenSource, type UpstreamError } from '../../../plugin.js';
import type { CodexConfig } from '../config.js';
import { fromIssued, parseCodexAuth, withNewTokens, type AuthFileJson, type CodexCredentials, type TokenResponse } from './credentials.js';

const PLUGIN = 'codex';
export const LOGIN_FIX = 'run `ccproxy auth login codex` (or `codex login`)';

export interface CodexTokenManagerOptions {
  path: string;
  config: Pick<CodexConfig, 'oauth' | 'refresh_margin_seconds'>;
  dispatcher: Dispatcher;
  logger?: Logger;
  /** Where the tokens live instead of the file itself (pooled accounts with `[state] credentials_store = "redis"`). */
  store?: (file: CredentialFile<AuthFileJson>) => CredentialStore<AuthFileJson>;
  /** Told each refresh's outcome (the plugin turns it into `credential.refreshed` events). */
  onRefresh?: (record: RefreshRecord) => void;
}

export class CodexTokenManager implements TokenSource<CodexCredentials> {
  /** The auth.json, or (credentials_store = "redis") the account's sealed entry in Redis. */
  readonly file: CredentialStore<AuthFileJson>;
  readonly refresher: TokenRefresher<CodexCredentials>;
  private readonly opts: CodexTokenManagerOptions;

  constructor(opts: CodexTokenManagerOptions) {
    this.opts = opts;
    const file = new CredentialFile<AuthFileJson>({ path: opts.path });
    this.file = opts.store ? opts.store(file) : file;
    this.refresher = new TokenRefresher<CodexCredentials>({
      ...fileTokenStore({
        file: this.file,
        extract: parseCodexAuth,
        exchange: (s) => this.exchange(s),
        apply: (content, next) => withNewTokens(content, toTokenResponse(next)),
        missing: () => new AuthError(`No Codex credentials found at ${this.file.path}; ${LOGIN_FIX}`, { plugin: PLUGIN }),
      }),
      marginMs: opts.config.refresh_margin_seconds * 1000,
      logger: opts.logger,
      ...(opts.onRefresh ? { onRefresh: opts.onRefresh } : {}),
    });
  }

  get path(): string {
    return this.file.path;
  }

  /** Stored credentials without refreshing; null when absent or unreadable. */
  async peek(): Promise<CodexCredentials | null> {
    return (await this.inspect()).credentials;
  }

  /** The credentials, or why the file could not be read (corrupt JSON, unreadable): for health. */
  async inspect(): Promise<{ credentials: CodexCredentials | null; error?: string }> {
    try {
      return { credentials: await this.refresher.current(true) };
    } catch (err) {
      return { credentials: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** A valid token (refreshed when expiring). Credential problems surface as AuthError (401 in the client's format). */
  token(): Promise<CodexCredentials> {
    return usable(this.refresher.token());
  }

  /** The backend refused `failed` (401): a token another process stored, else one refresh. */
  refresh(failed: CodexCredentials): Promise<CodexCredentials> {
    return usable(this.refresher.refresh(failed));
  }

  /** Still refused after a refresh: the grant itself is gone (revoked, logged out elsewhere). */
  rejected(err: UpstreamError): AuthError {
    return new AuthError(`The ChatGPT backend refused the Codex token even after a refresh: ${err.message}; ${LOGIN_FIX}`, { plugin: PLUGIN, cause: err });
  }

  /** The token endpoint call. Failures become AuthError so the client sees a clear 401. */
  private async exchange(stale: CodexCredentials): Promise<CodexCredentials> {
    if (!stale.refreshToken) {
      throw new AuthError(`Codex access token expired and ${this.file.path} holds no refresh token; ${LOGIN_FIX}`, { plugin: PLUGIN });
    }
    let issued: IssuedTokens;
    try {
      issued = await requestTokens({
        url: this.opts.config.oauth.token_url,
        encoding: 'form',
        dispatcher: this.opts.dispatcher,
        params: {
          grant_type: 'refresh_token',
          refresh_token: stale.refreshToken,
          client_id: this.opts.config.oauth.client_id,
          scope: 'openid profile email',
        },
      });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.opts.logger?.warn({ err: why }, 'codex token refresh failed');
      if (err instanceof TokenEndpointError) throw refreshFailure(err, 'Codex', LOGIN_FIX, PLUGIN);
      throw new AuthError(`Codex token refresh failed (${why}); ${LOGIN_FIX}`, { plugin: PLUGIN, cause: err });
    }
    const next = parseCodexAuth(withNewTokens({ tokens: { ...toTokenResponse(stale), account_id: stale.accountId } }, fromIssued(issued)));
    if (!next) throw new AuthError('Codex token refresh returned unusable tokens', { plugin: PLUGIN });
    this.opts.logger?.info({ expiresAt: next.expiresAt }, 'codex access token refreshed');
    return next;
  }
}

/** A credentials file that cannot be used is the user's to fix: a 401 that says so. */
async function usable(credentials: Promise<CodexCredentials>): Promise<CodexCredentials> {
  try {
    return await credentials;
  } catch (err) {
    if (err instanceof CredentialFileError) {
      throw new AuthError(`Codex credentials unusable: ${err.message}`, { plugin: PLUGIN, cause: err });
    }
    throw err;
  }
}

function toTokenResponse(c: CodexCredentials): TokenResponse {
  return {
    access_token: c.accessToken,
    ...(c.refreshToken ? { refresh_token: c.refreshToken } : {}),
    ...(c.idToken ? { id_token: c.idToken } : {}),
  };
}
