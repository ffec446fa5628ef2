/**
 * Reads (never verifies) the claims of the OpenAI tokens in auth.json: the access token's `exp`
 * says when to refresh, the id token's `https://api.openai.com/auth` claim carries the ChatGPT
 * account id and plan. Verification is the backend's job; we only need the facts.
 */

export const OPENAI_AUTH_CLAIM = 'https://api.openai.com/auth';
const PROFILE_CLAIM = 'https://api.openai.com/profile';

export type JwtClaims = Record<string, unknown>;

/** The payload of a JWT, or null when it is not one. */
export function decodeJwtClaims(token: string | undefined | null): JwtClaims | null {
  if (!token) return null;
  const parts = token.split('.');
  if (parts.length < 2 || !parts[1]) return null;
  try {
    const json = Buffer.from(parts[1], 'base64url').toString('utf8');
    const claims = JSON.parse(json) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as JwtClaims) : null;
  } catch {
    return null;
  }
}

/** `exp` in ms since epoch, or undefined. */
export function jwtExpiryMs(token: string | undefined | null): number | undefined {
  const exp = decodeJwtClaims(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

export interface OpenAIAuthInfo {
  accountId?: string;
  planType?: string;
  email?: string;
}

/** ChatGPT account id, plan and e-mail from an id token (or access token) claim set. */
export function openaiAuthInfo(token: string | undefined | null): OpenAIAuthInfo {
  const claims = decodeJwtClaims(token);
  if (!claims) return {};
  const auth = claims[OPENAI_AUTH_CLAIM] as Record<string, unknown> | undefined;
  const profile = claims[PROFILE_CLAIM] as Record<string, unknown> | undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  return {
    accountId: str(auth?.chatgpt_account_id),
    planType: str(auth?.chatgpt_plan_type),
    email: str(claims.email) ?? str(profile?.email),
  };
}
