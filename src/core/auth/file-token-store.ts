/**
 * A TokenStore on a JSON credentials file shared with another program, provider-agnostic: the
 * provider says how its tokens sit in the file (`extract`, `apply`) and how to redeem a refresh
 * token (`exchange`); this does the cross-process part.
 *
 * - `refresh` (`refreshUnderLock`): inside the file's lock it re-reads the file, skips the network
 *   call when another process (e.g. the provider's own CLI) already refreshed, checks that the file
 *   can be written BEFORE redeeming the refresh token (CredentialFile.update reserves the write),
 *   then exchanges and writes the merged result atomically. A write that fails after the exchange
 *   is an UnsavedTokensError carrying the new tokens: the refresher keeps them.
 * - `save`: the retried write of held tokens, unless the file meanwhile holds other credentials.
 * - Tokens in the file that could not be sent as a header (CR/LF...) make it unusable, like a corrupt file.
 */
import { CredentialFileError, type JsonObject } from './credential-file.js';
import type { CredentialStore } from './credential-store.js';
import { UnsavedTokensError, type RefreshGuard, type TokenSnapshot, type TokenStore } from './refresher.js';
import { unusableToken } from './token-text.js';

export interface FileTokenStoreOptions<F extends JsonObject, S extends TokenSnapshot> {
  /** A CredentialFile, or any store with the same read/update contract (RedisCredentialStore). */
  file: CredentialStore<F>;
  /** Pull the provider's credentials out of the file content (`null` if absent). */
  extract(content: F | null): S | null;
  /** Call the token endpoint with `s`'s refresh token; returns the new credentials. */
  exchange(s: S): Promise<S>;
  /** New file content: `content` with the new credentials merged in, every foreign field kept. */
  apply(content: F, next: S): F;
  /** Error to throw when the file holds no credentials any more. */
  missing(): Error;
}

/** @example new TokenRefresher({ ...fileTokenStore({ file, extract, exchange, apply, missing }), marginMs }) */
export function fileTokenStore<F extends JsonObject, S extends TokenSnapshot>(opts: FileTokenStoreOptions<F, S>): TokenStore<S> {
  return {
    where: opts.file.path,
    load: async () => checkedExtract(opts, await opts.file.read()),
    refresh: (stale, guard) => refreshUnderLock(stale, opts, guard),
    exchange: (s) => opts.exchange(s),
    save: (tokens, filed) => saveUnlessReplaced(opts, tokens, filed),
    missing: () => opts.missing(),
  };
}

/**
 * Refresh across processes: lock, re-read, maybe exchange, write atomically, unlock. When the file
 * already holds a different, fresh access token than `stale`, that token is returned without a
 * call. A failed exchange throws and leaves the file untouched; a failed write after a successful
 * exchange throws UnsavedTokensError with the new tokens.
 */
export async function refreshUnderLock<F extends JsonObject, S extends TokenSnapshot>(
  stale: S,
  opts: FileTokenStoreOptions<F, S>,
  guard: RefreshGuard<S>,
): Promise<S> {
  let result: S | undefined;
  let redeemed: S | undefined;
  try {
    await opts.file.update(async (content) => {
      const current = checkedExtract(opts, content);
      if (!content || !current) throw opts.missing();
      if (current.accessToken !== stale.accessToken && guard.isFresh(current)) {
        result = current;
        return undefined;
      }
      guard.assertUnspent(current);
      result = await opts.exchange(current);
      redeemed = current;
      guard.spent(current);
      return opts.apply(content, result);
    });
  } catch (err) {
    if (result && redeemed) throw new UnsavedTokensError(result, redeemed, err);
    throw err;
  }
  if (!result) throw opts.missing();
  return result;
}

async function saveUnlessReplaced<F extends JsonObject, S extends TokenSnapshot>(opts: FileTokenStoreOptions<F, S>, tokens: S, filed: S): Promise<'saved' | 'superseded'> {
  let outcome: 'saved' | 'superseded' = 'saved';
  await opts.file.update((content) => {
    const current = content ? opts.extract(content) : null;
    if (current?.accessToken === tokens.accessToken) return undefined;
    if (!content || !current || current.accessToken !== filed.accessToken || current.refreshToken !== filed.refreshToken) {
      // Logged out or logged in anew meanwhile: that choice wins over tokens only we hold.
      outcome = 'superseded';
      return undefined;
    }
    return opts.apply(content, tokens);
  });
  return outcome;
}

function checkedExtract<F extends JsonObject, S extends TokenSnapshot>(opts: FileTokenStoreOptions<F, S>, content: F | null): S | null {
  const s = opts.extract(content);
  if (!s) return s;
  const bad = unusableToken({ 'access token': s.accessToken, 'refresh token': s.refreshToken, 'id token': s.idToken });
  if (bad) {
    throw new CredentialFileError('corrupt', opts.file.path, `Credentials file ${opts.file.path} holds an ${bad.name} that ${bad.problem}; refusing to send or keep it (log in again)`);
  }
  return s;
}
