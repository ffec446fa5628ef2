/**
 * What a token source needs from the place its credentials live: a JSON credentials file
 * (CredentialFile) or, for account pools shared by instances on several hosts, Redis
 * (RedisCredentialStore, encrypted). `path` names it in messages (never a secret).
 */
import type { CredentialMutator, JsonObject } from './credential-file.js';

export interface CredentialStore<F extends JsonObject = JsonObject> {
  readonly path: string;
  read(): Promise<F | null>;
  /** Read-modify-write, one writer at a time across processes; `undefined` from the mutator skips the write. */
  update(mutator: CredentialMutator<F>): Promise<F | null>;
  /** Delete the credentials altogether (logout of an account). */
  remove(): Promise<void>;
  /** Why a write would fail right now (health), when the store can tell cheaply. */
  writeProblem?(): Promise<string | undefined>;
}
