/**
 * The Codex CLI's `auth.json`: where it lives and what we read from / write into it.
 *
 * Shape (fields we do not own are kept on every write):
 * `{"OPENAI_API_KEY": null, "tokens": {"id_token", "access_token", "refresh_token", "account_id"}, "last_refresh": "<ISO>"}`
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IssuedTokens } from '../../../plugin.js';
import { jwtExpiryMs, openaiAuthInfo } from './jwt.js';

export type AuthFileJson = Record<string, unknown>;

export interface CodexCredentials {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** ChatGPT account id: `tokens.account_id`, else the id token's claim. */
  accountId?: string;
  /** Access token expiry (JWT `exp`), ms since epoch; undefined when not a JWT. */
  expiresAt?: number;
  email?: string;
  planType?: string;
  lastRefresh?: string;
}

/** `plugins.codex.credentials_file`, else `$CODEX_HOME/auth.json`, else `~/.codex/auth.json`. */
export function resolveAuthFile(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || homedir();
  if (configured) return configured.startsWith('~/') ? join(home, configured.slice(2)) : configured;
  const codexHome = env.CODEX_HOME?.trim();
  return join(codexHome || join(home, '.codex'), 'auth.json');
}

/** The ChatGPT-mode credentials in a parsed auth.json, or null (API-key mode, empty, malformed). */
export function parseCodexAuth(json: unknown): CodexCredentials | null {
  if (!json || typeof json !== 'object') return null;
  const tokens = (json as AuthFileJson).tokens as Record<string, unknown> | undefined;
  if (!tokens || typeof tokens !== 'object') return null;
  const accessToken = str(tokens.access_token);
  if (!accessToken) return null;
  const idToken = str(tokens.id_token);
  const fromId = openaiAuthInfo(idToken);
  const fromAccess = openaiAuthInfo(accessToken);
  return {
    accessToken,
    refreshToken: str(tokens.refresh_token),
    idToken,
    accountId: str(tokens.account_id) ?? fromId.accountId ?? fromAccess.accountId,
    expiresAt: jwtExpiryMs(accessToken),
    email: fromId.email ?? fromAccess.email,
    planType: fromId.planType ?? fromAccess.planType,
    lastRefresh: str((json as AuthFileJson).last_refresh),
  };
}

/** Token endpoint answer (refresh or code exchange). */
export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

/** The token endpoint's checked answer in auth.json's field names. */
export function fromIssued(issued: IssuedTokens): TokenResponse {
  return {
    access_token: issued.accessToken,
    ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
    ...(issued.idToken ? { id_token: issued.idToken } : {}),
  };
}

/**
 * The file content after a refresh/login: new tokens in, every other field (ours or foreign)
 * kept. Refresh tokens rotate, but an endpoint that returns none leaves the old one in place.
 */
export function withNewTokens(current: AuthFileJson | null, tokens: TokenResponse, now = new Date()): AuthFileJson {
  const base: AuthFileJson = current ? { ...current } : { OPENAI_API_KEY: null };
  const old = (base.tokens && typeof base.tokens === 'object' ? base.tokens : {}) as Record<string, unknown>;
  const idToken = tokens.id_token ?? str(old.id_token);
  const accountId = openaiAuthInfo(idToken).accountId ?? str(old.account_id) ?? openaiAuthInfo(tokens.access_token).accountId;
  base.tokens = {
    ...old,
    access_token: tokens.access_token,
    ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
    ...(idToken ? { id_token: idToken } : {}),
    ...(accountId ? { account_id: accountId } : {}),
  };
  base.last_refresh = now.toISOString();
  return base;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
