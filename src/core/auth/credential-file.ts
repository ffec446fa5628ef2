/**
 * A JSON credentials file shared with another program (the Claude Code CLI's `.credentials.json`,
 * the Codex CLI's `auth.json`). Provider-agnostic rules:
 *
 * - A missing file reads as `null`; a file that is not a JSON object is a `CredentialFileError`
 *   (kind `corrupt`) and is NEVER overwritten: the person's data may still be recoverable by hand.
 * - Only a regular file is read: a FIFO, directory, socket or device at the path is refused at once
 *   (kind `not_regular`), never waited on (opened non-blocking, checked before reading).
 * - Writes happen only inside `update()`: a cross-process lock (proper-lockfile, lock directory
 *   `<file>.lock`, stale locks from crashed processes are taken over), the file is re-read inside
 *   the lock (another process may have changed it), the temp file is created BEFORE the mutator
 *   runs (a directory that takes no new files fails fast, kind `not_writable`, before the mutator
 *   spends anything), and the result replaces the file atomically with mode 0600.
 * - A symlinked file is written through the link, in the target's directory; the link stays.
 * - The mutator receives the whole parsed object and returns the whole new object, so fields the
 *   caller does not own survive as long as it spreads them (`{ ...current, mine: next }`).
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { PendingWrite, writeTarget } from './atomic-write.js';

export type JsonObject = Record<string, unknown>;

export type CredentialFileErrorKind = 'corrupt' | 'io' | 'lock' | 'not_regular' | 'not_writable';

export class CredentialFileError extends Error {
  readonly kind: CredentialFileErrorKind;
  readonly path: string;
  constructor(kind: CredentialFileErrorKind, filePath: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialFileError';
    this.kind = kind;
    this.path = filePath;
  }
}

export interface CredentialFileOptions {
  /** Absolute path of the JSON file. */
  path: string;
  /** A lock whose holder stopped refreshing it for this long is taken over (default 15 s, min 5 s). */
  staleLockMs?: number;
  /** How long `update()` waits for a lock held by someone else (default 30 s). */
  lockWaitMs?: number;
  /** Mode for written files (default 0o600). */
  mode?: number;
}

/** What a mutator returns: the new content, or `undefined` to leave the file as it is. */
export type CredentialMutator<T extends JsonObject> = (current: T | null) => T | undefined | Promise<T | undefined>;

/**
 * Locked, atomic access to one JSON credentials file.
 *
 * @example
 * const file = new CredentialFile({ path: '/home/me/.claude/.credentials.json' });
 * await file.update((cur) => ({ ...cur, claudeAiOauth: { ...oauth, accessToken: 'new' } }));
 */
export class CredentialFile<T extends JsonObject = JsonObject> {
  readonly path: string;
  private readonly staleLockMs: number;
  private readonly lockWaitMs: number;
  private readonly mode: number;

  constructor(opts: CredentialFileOptions) {
    this.path = path.resolve(opts.path);
    this.staleLockMs = Math.max(5000, opts.staleLockMs ?? 15_000);
    this.lockWaitMs = opts.lockWaitMs ?? 30_000;
    this.mode = opts.mode ?? 0o600;
  }

  /** The lock directory other processes see (proper-lockfile's default naming). */
  get lockPath(): string {
    return `${this.path}.lock`;
  }

  /** Parsed content; `null` when the file does not exist. Throws CredentialFileError when corrupt or not a regular file. */
  async read(): Promise<T | null> {
    let handle: fs.FileHandle;
    try {
      // Non-blocking: opening a FIFO with no writer would otherwise park a thread-pool thread for good.
      handle = await fs.open(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      const st = await fs.stat(this.path).catch(() => undefined);
      if (st && !st.isFile()) throw this.notRegular(st);
      throw new CredentialFileError('io', this.path, `Cannot read credentials file ${this.path}: ${errMessage(err)}`, { cause: err });
    }
    let text: string;
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw this.notRegular(st);
      text = await handle.readFile('utf8');
    } catch (err) {
      if (err instanceof CredentialFileError) throw err;
      throw new CredentialFileError('io', this.path, `Cannot read credentials file ${this.path}: ${errMessage(err)}`, { cause: err });
    } finally {
      await handle.close().catch(() => undefined);
    }
    return parseCredentials<T>(text, this.path);
  }

  /**
   * Read-modify-write under the cross-process lock. The mutator sees the content as re-read inside
   * the lock, and runs only once the write is known to be able to start (temp file created);
   * returning `undefined` skips the write. Returns what the file holds afterwards. A corrupt file
   * makes this throw before the mutator runs: it is never overwritten.
   */
  async update(mutator: CredentialMutator<T>): Promise<T | null> {
    return this.withLock(async () => {
      const current = await this.read();
      const pending = await this.reserve();
      let next: T | undefined;
      try {
        next = await mutator(current);
      } catch (err) {
        await pending.discard();
        throw err;
      }
      if (next === undefined) {
        await pending.discard();
        return current;
      }
      try {
        await pending.commit(next);
      } catch (err) {
        throw new CredentialFileError('io', this.path, `Cannot write credentials file ${pending.target}: ${errMessage(err)}`, { cause: err });
      }
      return next;
    });
  }

  /** Delete the file (what a symlink points to; the link stays) under the lock. Missing is fine. */
  async remove(): Promise<void> {
    await this.withLock(async () => {
      await fs.rm(await writeTarget(this.path), { force: true });
    });
  }

  /**
   * Why a refresh could not be saved right now (the lock's or the target's directory takes no new
   * files), or undefined. A cheap check for health reports; `update()` finds out for itself.
   */
  async writeProblem(): Promise<string | undefined> {
    const target = await writeTarget(this.path).catch(() => this.path);
    for (const dir of new Set([path.dirname(this.path), path.dirname(target)])) {
      try {
        await fs.access(dir, constants.W_OK);
      } catch (err) {
        if (isErrno(err, 'ENOENT')) continue;
        return notWritable(this.path, dir, err).message;
      }
    }
    return undefined;
  }

  /** Run `fn` holding the lock. The lock is kept fresh while `fn` runs (long refresh calls are fine). */
  async withLock<R>(fn: () => Promise<R>): Promise<R> {
    const dir = path.dirname(this.path);
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw notWritable(this.path, dir, err);
    }
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }

  /**
   * Wait for the lock while someone else holds it; any other failure (the directory refuses the
   * lock entry) is final at once: retrying cannot make a read-only directory writable.
   */
  private async acquire(): Promise<() => Promise<void>> {
    const deadline = Date.now() + this.lockWaitMs;
    let delay = 50;
    for (;;) {
      try {
        return await lockfile.lock(this.path, {
          // The file may not exist yet (first login): lock by name, not by resolved real path.
          realpath: false,
          lockfilePath: this.lockPath,
          stale: this.staleLockMs,
          retries: 0,
        });
      } catch (err) {
        if (!isErrno(err, 'ELOCKED')) throw notWritable(this.path, path.dirname(this.path), err);
        if (Date.now() >= deadline) {
          throw new CredentialFileError('lock', this.path, `Could not lock credentials file ${this.path} (held by another process?): ${errMessage(err)}`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(200, Math.round(delay * 1.2));
      }
    }
  }

  /** The temp file for the next write, in the target's directory: fails fast when nothing can be written there. */
  private async reserve(): Promise<PendingWrite> {
    let target = this.path;
    try {
      target = await writeTarget(this.path);
      return await PendingWrite.open(target, this.mode);
    } catch (err) {
      throw notWritable(this.path, path.dirname(target), err);
    }
  }

  private notRegular(st: Stats): CredentialFileError {
    return new CredentialFileError('not_regular', this.path, `Credentials path ${this.path} is ${describe(st)}, not a regular file; refusing to use it (point the setting at the credentials file itself)`);
  }
}

function describe(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'a special file';
}

function notWritable(filePath: string, dir: string, err: unknown): CredentialFileError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? errMessage(err);
  return new CredentialFileError(
    'not_writable',
    filePath,
    `Credentials directory ${dir} is not writable (${code}): refreshed tokens could not be saved there, so the proxy does not refresh them (the refresh token stays unspent); make the directory writable`,
    { cause: err },
  );
}

/** Parse file text; anything but a JSON object is `corrupt`. */
export function parseCredentials<T extends JsonObject>(text: string, filePath: string): T | null {
  if (text.trim() === '') {
    throw new CredentialFileError('corrupt', filePath, `Credentials file ${filePath} is empty; not touching it (fix or delete it, then log in again)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CredentialFileError('corrupt', filePath, `Credentials file ${filePath} is not valid JSON (${errMessage(err)}); not touching it (fix or delete it, then log in again)`, { cause: err });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CredentialFileError('corrupt', filePath, `Credentials file ${filePath} does not hold a JSON object; not touching it`);
  }
  return parsed as T;
}

/** Write JSON atomically (temp file next to the target, fsync, rename); errors are CredentialFileError `io`. */
export async function writeJsonAtomic(filePath: string, data: unknown, mode = 0o600): Promise<void> {
  try {
    await (await PendingWrite.open(filePath, mode)).commit(data);
  } catch (err) {
    throw new CredentialFileError('io', filePath, `Cannot write credentials file ${filePath}: ${errMessage(err)}`, { cause: err });
  }
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
