/**
 * Atomic file replacement in two steps, so a caller can prove the write can start before it does
 * something it cannot undo (redeeming a single-use refresh token):
 *
 * 1. `PendingWrite.open(target)` creates the temp file next to the target (same directory, so the
 *    rename is atomic): a directory that takes no new files fails here;
 * 2. `commit(data)` writes, fsyncs, renames onto the target and fsyncs the directory; `discard()`
 *    removes the temp file instead.
 *
 * Writes land on what a symlink points to (`writeTarget`), the way the CLIs sharing these files
 * write them: the link stays a link and the other program keeps seeing the new content.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Linux's own bound on symlink hops. */
const MAX_HOPS = 40;

/**
 * The file a write to `filePath` must replace: the final target when `filePath` is a symlink
 * (followed hop by hop, relative links against the link's directory; the target may not exist
 * yet), else `filePath` itself.
 */
export async function writeTarget(filePath: string): Promise<string> {
  let current = path.resolve(filePath);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let link: string;
    try {
      link = await fs.readlink(current);
    } catch (err) {
      // EINVAL: not a symlink; ENOENT: nothing there yet. Either way this is the file to write.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT') return current;
      throw err;
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw Object.assign(new Error(`too many levels of symbolic links at ${filePath}`), { code: 'ELOOP' });
}

export class PendingWrite {
  private constructor(
    readonly target: string,
    private readonly tmp: string,
    private handle: fs.FileHandle | undefined,
    private readonly mode: number,
  ) {}

  /** Create the temp file next to `target` (creating the directory if needed, mode 0700). */
  static async open(target: string, mode: number): Promise<PendingWrite> {
    const dir = path.dirname(target);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', mode);
    return new PendingWrite(target, tmp, handle, mode);
  }

  /** Write `data` as JSON and move it onto the target. On failure the temp file is gone and the target untouched. */
  async commit(data: unknown): Promise<void> {
    const handle = this.handle;
    if (!handle) throw new Error('PendingWrite already finished');
    this.handle = undefined;
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
      // fsync before the rename, so a crash never leaves a truncated file under the target's name.
      await handle.sync();
      await handle.close();
      await fs.chmod(this.tmp, this.mode);
      await fs.rename(this.tmp, this.target);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(this.tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    const dirHandle = await fs.open(path.dirname(this.target), 'r').catch(() => undefined);
    if (dirHandle) {
      await dirHandle.sync().catch(() => undefined);
      await dirHandle.close().catch(() => undefined);
    }
  }

  /** Remove the temp file (nothing to write after all). */
  async discard(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
    await fs.rm(this.tmp, { force: true }).catch(() => undefined);
  }
}
