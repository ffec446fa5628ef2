/**
 * Claude Code's credentials file: `$CLAUDE_CONFIG_DIR/.credentials.json` (default
 * `~/.claude/.credentials.json`), `{"claudeAiOauth": {accessToken, refreshToken, expiresAt (ms),
 * scopes, subscriptionType, ...}}`. The CLI owns other top-level keys (e.g. MCP OAuth state) and may
 * add fields inside `claudeAiOauth`; we only ever replace the token fields and keep the rest.
 */
import os from 'node:os';
import path from 'node:path';
import type { JsonObject, TokenSnapshot, IssuedTokens } from '../../../plugin.js';

export const OAUTH_KEY = 'claudeAiOauth';

export interface ClaudeOAuthTokens extends TokenSnapshot {
  scopes?: string[];
  subscriptionType?: string;
}

/** Where the credentials live: config override, else `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export function credentialsPath(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  if (configured) return path.resolve(expandHome(configured, env));
  const dir = env.CLAUDE_CONFIG_DIR ? expandHome(env.CLAUDE_CONFIG_DIR, env) : path.join(env.HOME ?? os.homedir(), '.claude');
  return path.join(dir, '.credentials.json');
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === '~' || p.startsWith('~/') ? path.join(env.HOME ?? os.homedir(), p.slice(1)) : p;
}

/** The OAuth section, or null when absent or lacking an access token. */
export function extractOAuth(content: JsonObject | null): ClaudeOAuthTokens | null {
  const o = content?.[OAUTH_KEY];
  if (!o || typeof o !== 'object') return null;
  const rec = o as Record<string, unknown>;
  if (typeof rec.accessToken !== 'string' || !rec.accessToken) return null;
  return {
    accessToken: rec.accessToken,
    refreshToken: typeof rec.refreshToken === 'string' ? rec.refreshToken : undefined,
    expiresAt: typeof rec.expiresAt === 'number' ? rec.expiresAt : undefined,
    scopes: Array.isArray(rec.scopes) ? rec.scopes.filter((s): s is string => typeof s === 'string') : undefined,
    subscriptionType: typeof rec.subscriptionType === 'string' ? rec.subscriptionType : undefined,
  };
}

/** `content` with new tokens merged into `claudeAiOauth`; every other field (ours or not) kept. */
export function applyOAuth(content: JsonObject | null, next: ClaudeOAuthTokens): JsonObject {
  const base = content ?? {};
  const prev = (base[OAUTH_KEY] && typeof base[OAUTH_KEY] === 'object' ? base[OAUTH_KEY] : {}) as JsonObject;
  const merged: JsonObject = { ...prev, accessToken: next.accessToken };
  if (next.refreshToken !== undefined) merged.refreshToken = next.refreshToken;
  if (next.expiresAt !== undefined) merged.expiresAt = next.expiresAt;
  if (next.scopes !== undefined) merged.scopes = next.scopes;
  if (next.subscriptionType !== undefined) merged.subscriptionType = next.subscriptionType;
  return { ...base, [OAUTH_KEY]: merged };
}

/** What the token endpoint issued → tokens (`expires_in` seconds → absolute ms). */
export function tokensFromResponse(issued: IssuedTokens, previous: ClaudeOAuthTokens | null, now = Date.now()): ClaudeOAuthTokens {
  return {
    accessToken: issued.accessToken,
    // Refresh tokens rotate; keep the old one only if the server did not send a new one.
    refreshToken: issued.refreshToken ?? previous?.refreshToken,
    expiresAt: issued.expiresIn !== undefined ? now + issued.expiresIn * 1000 : undefined,
    scopes: issued.scope?.split(/\s+/).filter(Boolean) ?? previous?.scopes,
    subscriptionType: previous?.subscriptionType,
  };
}
