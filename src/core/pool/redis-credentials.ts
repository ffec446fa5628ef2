/**
 * An account's credentials in Redis (`[state] credentials_store = "redis"`), so that proxy
 * instances on different hosts share one account (and its single-use refresh token): the JSON
 * content sealed with AES-256-GCM (token-cipher.ts), never in plain text. Updates run under the
 * account's Redis lock, so one instance refreshes and the others, waiting, re-read and use the
 * new token.
 *
 * The first read of an empty key imports the account's credentials file when there is one (SET NX:
 * one instance wins), or, after Redis came back empty, what this instance last read. While Redis is unreachable the last content read serves (reads), and writes
 * fail before the mutator runs, i.e. before a refresh token is redeemed.
 */
import { CredentialFileError, parseCredentials, type CredentialFile, type CredentialMutator, type JsonObject } from '../auth/credential-file.js';
import type { CredentialStore } from '../auth/credential-store.js';
import type { RedisPoolState } from './redis-state.js';
import type { TokenCipher } from './token-cipher.js';

export interface RedisCredentialStoreOptions<F extends JsonObject> {
  state: RedisPoolState;
  cipher: TokenCipher;
  /** provider and account: the key is `<prefix>:cred:<provider>:<account>`. */
  provider: string;
  account: string;
  /** Imported on the first read when Redis holds nothing for the account yet. */
  seed?: Pick<CredentialFile<F>, 'read'>;
}

export class RedisCredentialStore<F extends JsonObject = JsonObject> implements CredentialStore<F> {
  readonly path: string;
  private readonly key: string;
  private last: F | null = null;

  constructor(private readonly opts: RedisCredentialStoreOptions<F>) {
    this.key = opts.state.key(`cred:${opts.provider}:${opts.account}`);
    this.path = `redis ${this.key}`;
  }

  async read(): Promise<F | null> {
    let sealed: string | null;
    try {
      sealed = await this.opts.state.client().get(this.key);
    } catch (err) {
      if (this.last) return this.last;
      throw new CredentialFileError('io', this.path, `Cannot read credentials from ${this.path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (sealed === null) return this.importSeed();
    let text: string;
    try {
      text = this.opts.cipher.open(sealed, this.key);
    } catch (err) {
      throw new CredentialFileError('corrupt', this.path, `Credentials in ${this.path} do not open with [state] encryption_key (another key, or tampered with)`, { cause: err });
    }
    this.last = parseCredentials<F>(text, this.path);
    return this.last;
  }

  async update(mutator: CredentialMutator<F>): Promise<F | null> {
    return this.opts.state.withLock(`cred:${this.opts.provider}:${this.opts.account}`, async () => {
      if (!this.opts.state.connected) throw new CredentialFileError('io', this.path, `Cannot write credentials to ${this.path}: Redis is unreachable`);
      const current = await this.read();
      const next = await mutator(current);
      if (next === undefined) return current;
      try {
        await this.opts.state.client().set(this.key, this.opts.cipher.seal(JSON.stringify(next), this.key));
      } catch (err) {
        throw new CredentialFileError('io', this.path, `Cannot write credentials to ${this.path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      this.last = next;
      return next;
    });
  }

  /** Remove the account's credentials (logout). */
  async remove(): Promise<void> {
    await this.opts.state.withLock(`cred:${this.opts.provider}:${this.opts.account}`, async () => {
      await this.opts.state.client().del(this.key);
      this.last = null;
    });
  }

  async writeProblem(): Promise<string | undefined> {
    return this.opts.state.connected ? undefined : `Redis is unreachable: refreshed tokens for ${this.path} cannot be saved until it returns`;
  }

  /**
   * Redis holds nothing for the account: a first start, or a Redis that came back empty. What this
   * instance last read is newer than the file (refresh tokens rotate), so it goes back first.
   */
  private async importSeed(): Promise<F | null> {
    const content = this.last ?? (await this.opts.seed?.read().catch(() => null));
    if (!content) return null;
    const ok = await this.opts.state.client().set(this.key, this.opts.cipher.seal(JSON.stringify(content), this.key), 'NX');
    // Another instance imported first: theirs is the one every instance uses.
    return ok === 'OK' ? (this.last = content) : this.read();
  }
}
