/** PKCE (RFC 7636, S256) and OAuth `state` values for browser logins. */
import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** Secret kept by us, sent with the token exchange. */
  verifier: string;
  /** base64url(SHA-256(verifier)), sent in the authorize URL. */
  challenge: string;
  method: 'S256';
}

/** A fresh verifier (43 chars of base64url from 32 random bytes) and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** An unguessable `state` to bind the callback to this login attempt. */
export function createState(): string {
  return randomBytes(24).toString('base64url');
}
