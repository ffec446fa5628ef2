/**
 * Which credential a request goes out with (OAuth bearer or API key), and keeping the OAuth token
 * fresh: the generic single-flight refresher + file token store from `core/auth` (locked refresh,
 * refreshed tokens never lost), wired to Claude's file shape and token endpoint (JSON body, Claude
 * Code's client id).
 */
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { CredentialFile, CredentialFileError, fileTokenStore, TokenRefresher, TokenEndpointError, refreshFailure, requestTokens, AuthError, type CredentialStore, type RefreshRecord, type TokenSource } from '../../../plugin.js';
import type { ClaudeApiConfig } from '../config.js';
import { applyOAuth, credentialsPath, extractOAuth, tokensFromResponse, type ClaudeOAuthTokens } from './credentials.js';

export type UpstreamCredential = { kind: 'oauth'; token: string } | { kind: 'api_key'; key: string };

/** The token source of one credential kind (the request's body and URL depend on the kind). */
export interface ClaudeCredentialSource extends TokenSource<UpstreamCredential> {
  readonly kind: UpstreamCredential['kind'];
}

const LOGIN_HINT = 'run `ccproxy auth login claude` (or `claude` → /login)';

export class ClaudeTokenSource {
  /** Where the OAuth credentials live: the credentials file, or (pooled accounts with credentials_store = "redis") Redis. */
  readonly file: CredentialStore;
  readonly refresher: TokenRefresher<ClaudeOAuthTokens>;
  private readonly config: ClaudeApiConfig;

  constructor(config: ClaudeApiConfig, dispatcher: Dispatcher | undefined, env: NodeJS.ProcessEnv, logger?: Logger, store?: (file: CredentialFile) => CredentialStore, onRefresh?: (record: RefreshRecord) => void) {
    this.config = config;
    const file = new CredentialFile({ path: credentialsPath(config.credentials_file, env) });
    this.file = store ? store(file) : file;
    this.refresher = new TokenRefresher<ClaudeOAuthTokens>({
      ...fileTokenStore({
        file: this.file,
        extract: extractOAuth,
        exchange: async (s) => {
          if (!s.refreshToken) throw new AuthError(`Claude OAuth token expired and the credentials have no refresh token; ${LOGIN_HINT}`);
          const issued = await requestTokens({
            url: config.oauth.token_url,
            encoding: 'json',
            dispatcher,
            params: { grant_type: 'refresh_token', refresh_token: s.refreshToken, client_id: config.oauth.client_id },
          });
          return tokensFromResponse(issued, s);
        },
        apply: (content, next) => applyOAuth(content, next),
        missing: () => new AuthError(`No Claude OAuth credentials in ${this.file.path}; ${LOGIN_HINT}`),
      }),
      marginMs: config.refresh_margin_seconds * 1000,
      logger,
      ...(onRefresh ? { onRefresh } : {}),
    });
  }

  /** The mode when configuration alone decides it (auth_type api_key), else undefined. */
  private fixedMode(): 'api_key' | 'none' | undefined {
    if (this.config.auth_type === 'api_key') return this.config.api_key ? 'api_key' : 'none';
    return undefined;
  }

  /** OAuth is used when forced, or in auto mode when the file holds a token. */
  async mode(): Promise<'oauth' | 'api_key' | 'none'> {
    const fixed = this.fixedMode();
    if (fixed) return fixed;
    if (this.config.auth_type === 'oauth') return 'oauth';
    // A corrupt or unreadable file throws here: better a clear error than silently using the key.
    const stored = await this.refresher.current();
    if (stored) return 'oauth';
    return this.config.api_key ? 'api_key' : 'none';
  }

  /**
   * Where this request's credential comes from: the API key, or the OAuth token (refreshed once
   * when the API refuses it). Errors that mean "no usable credentials" are AuthError (401) with the
   * fix in the message.
   */
  async source(): Promise<ClaudeCredentialSource> {
    // A configured API key needs no file read.
    let mode: 'oauth' | 'api_key' | 'none' | undefined = this.fixedMode();
    if (mode === undefined) {
      try {
        mode = await this.mode();
      } catch (err) {
        throw asAuthError(err);
      }
    }
    if (mode === 'none') {
      throw new AuthError(`No Claude credentials: no OAuth token in ${this.file.path} and no plugins.claude_api.api_key; ${LOGIN_HINT}`);
    }
    return mode === 'api_key' ? this.apiKey : this.oauth;
  }

  private readonly apiKey: ClaudeCredentialSource = {
    kind: 'api_key',
    token: () => ({ kind: 'api_key', key: this.config.api_key! }),
    rejected: (err) => new AuthError(`Anthropic rejected plugins.claude_api.api_key: ${err.message}`, { cause: err }),
  };

  private readonly oauth: ClaudeCredentialSource = {
    kind: 'oauth',
    token: async () => {
      try {
        return { kind: 'oauth', token: (await this.refresher.token()).accessToken };
      } catch (err) {
        throw asAuthError(err);
      }
    },
    refresh: async (failed) => {
      try {
        // The refresher tells credentials apart by their access token.
        return { kind: 'oauth', token: (await this.refresher.refresh({ accessToken: failed.kind === 'oauth' ? failed.token : '' })).accessToken };
      } catch (err) {
        throw asAuthError(err);
      }
    },
    // Still 401 after a refresh: the grant itself is gone (revoked, logged out elsewhere).
    rejected: (err) => new AuthError(`Anthropic rejected the Claude OAuth token even after a refresh: ${err.message}; ${LOGIN_HINT}`, { cause: err }),
  };
}

/** Refresh and file failures reach the client as a 401 that says what to do (502: the token endpoint's own fault). */
function asAuthError(err: unknown): unknown {
  if (err instanceof AuthError) return err;
  if (err instanceof CredentialFileError) return new AuthError(err.message, { cause: err });
  if (err instanceof TokenEndpointError) return refreshFailure(err, 'Claude OAuth', LOGIN_HINT);
  return err;
}
