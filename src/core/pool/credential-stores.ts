/**
 * Where a pooled account's OAuth credentials live: its file (`[state] credentials_store = "file"`,
 * the default) or Redis, sealed with the configured key (`"redis"`; the file, when there is one,
 * seeds Redis once).
 */
import type { CredentialFile, JsonObject } from '../auth/credential-file.js';
import type { CredentialStore } from '../auth/credential-store.js';
import type { StateSettings } from './config.js';
import { RedisCredentialStore } from './redis-credentials.js';
import { RedisPoolState } from './redis-state.js';
import type { PoolState } from './state.js';
import { TokenCipher } from './token-cipher.js';

const ciphers = new WeakMap<PoolState, TokenCipher>();

/** A function from the account's file to the store its token source uses. */
export function credentialStoreFor(settings: StateSettings, state: PoolState, provider: string, account: string): (file: CredentialFile) => CredentialStore {
  if (settings.credentials_store !== 'redis' || !(state instanceof RedisPoolState) || !settings.encryption_key) return (file) => file;
  let cipher = ciphers.get(state);
  if (!cipher) ciphers.set(state, (cipher = new TokenCipher(settings.encryption_key)));
  const sealed = cipher;
  return <F extends JsonObject>(file: CredentialFile<F>) => new RedisCredentialStore<F>({ state, cipher: sealed, provider, account, seed: file }) as unknown as CredentialStore;
}
