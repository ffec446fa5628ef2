/**
 * Credentials at rest in Redis are sealed with AES-256-GCM: a random 96-bit IV per write, the
 * 128-bit tag, and the Redis key as additional data (a value copied under another account's key
 * does not open). The 256-bit key is derived with HKDF-SHA256 from the configured
 * `[state] encryption_key`, so any long random string works as a key.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class TokenCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'ccproxy', 'credentials-at-rest', 32));
  }

  seal(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** Throws when the value was not sealed with this key for this `aad` (wrong key, tampered, moved). */
  open(sealed: string, aad: string): string {
    if (!sealed.startsWith(`${VERSION}.`)) throw new Error('not a sealed credential');
    const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64');
    if (raw.length < 28) throw new Error('sealed credential too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
