/**
 * A JSON credentials file shared with another program (the Claude Code CLI's `.credentials.json`,
 * the Codex CLI's `auth.json`). Provider-agnostic rules:
 *
 * - A missing file reads as `null`; a file that is not a JSON object is a `CredentialFileError`
 *   (kind `corrupt`) and is NEVER overwritten: the person's data may still be recoverable by hand.
 * - Writes happen only inside `update()`: a cross-process lock (proper-lockfile, lock directory
 *   `<file>.lock`, stale locks from crashed processes are taken over), the file is re-read inside
 *   the lock (another process may have changed it), and the result is written atomically
 *   (temp file in the same directory, fsync, rename) with mode 0600.
 * - The mutator receives the whole parsed object and returns the whole new object, so fields the
 *   caller does not own survive as long as it spreads them (`{ ...current, mine: next }`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import lockfile from 'proper-lockfile';

export type JsonObject = Record<string, unknown>;

export type CredentialFileErrorKind = 'corrupt' | 'io' | 'lock';

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

  /** Parsed content; `null` when the file does not exist. Throws CredentialFileError when corrupt. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw new CredentialFileError('io', this.path, `Cannot read credentials file ${this.path}: ${errMessage(err)}`, { cause: err });
    }
    return parseCredentials<T>(text, this.path);
  }

  /**
   * Read-modify-write under the cross-process lock. The mutator sees the content as re-read inside
   * the lock; returning `undefined` skips the write. Returns what the file holds afterwards.
   * A corrupt file makes this throw before the mutator runs: it is never overwritten.
   */
  async update(mutator: CredentialMutator<T>): Promise<T | null> {
    return this.withLock(async () => {
      const current = await this.read();
      const next = await mutator(current);
      if (next === undefined) return current;
      await writeJsonAtomic(this.path, next, this.mode);
      return next;
    });
  }

  /** Delete the file under the lock (logout when we own the whole file). Missing is fine. */
  async remove(): Promise<void> {
    await this.withLock(async () => {
      await fs.rm(this.path, { force: true });
    });
  }

  /** Run `fn` holding the lock. The lock is kept fresh while `fn` runs (long refresh calls are fine). */
  async withLock<R>(fn: () => Promise<R>): Promise<R> {
    await fs.mkdir(path.dirname(this.path), { recursive: true, mode: 0o700 });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.path, {
        // The file may not exist yet (first login): lock by name, not by resolved real path.
        realpath: false,
        lockfilePath: this.lockPath,
        stale: this.staleLockMs,
        retries: { retries: Math.max(1, Math.ceil(this.lockWaitMs / 100)), minTimeout: 50, maxTimeout: 200, factor: 1.2 },
      });
    } catch (err) {
      throw new CredentialFileError('lock', this.path, `Could not lock credentials file ${this.path} (held by another process?): ${errMessage(err)}`, { cause: err });
    }
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }
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

/**
 * Write JSON atomically: a temp file next to the target (same filesystem, so rename is atomic),
 * fsync'd before the rename so a crash never leaves a truncated file; the directory is fsync'd after.
 */
export async function writeJsonAtomic(filePath: string, data: unknown, mode = 0o600): Promise<void> {
  const dir = path.dirname(filePath);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const text = `${JSON.stringify(data, null, 2)}\n`;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx', mode);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.chmod(tmp, mode);
    await fs.rename(tmp, filePath);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new CredentialFileError('io', filePath, `Cannot write credentials file ${filePath}: ${errMessage(err)}`, { cause: err });
  }
  const dirHandle = await fs.open(dir, 'r').catch(() => undefined);
  if (dirHandle) {
    await dirHandle.sync().catch(() => undefined);
    await dirHandle.close().catch(() => undefined);
  }
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
