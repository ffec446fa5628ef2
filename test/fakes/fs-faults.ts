/**
 * Real file-system faults for the credentials tests, for ordinary users and for root alike. An
 * ordinary user gets them from permission bits; root ignores those, so as root the immutable
 * attribute (`chattr +i`) does it: creating, renaming over or deleting the file then fails with
 * EPERM, as on a read-only mount. Each helper checks that the fault really bites and says so if
 * this machine cannot produce it, instead of letting a test pass without the fault.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

export type Undo = () => Promise<void>;

async function chattr(flag: '+i' | '-i', target: string): Promise<void> {
  try {
    await run('chattr', [flag, target]);
  } catch (err) {
    throw new Error(`chattr ${flag} ${target} failed (running as root without CAP_LINUX_IMMUTABLE, or a file system without the attribute?): ${(err as Error).message}`);
  }
}

async function refusesNewEntries(dir: string): Promise<boolean> {
  const probe = path.join(dir, `.probe-${process.pid}`);
  try {
    await fs.writeFile(probe, '');
  } catch {
    return true;
  }
  await fs.rm(probe, { force: true });
  return false;
}

/** No new entries in `dir` (its files stay readable): creating a temp file or a lock there fails. */
export async function makeDirReadOnly(dir: string): Promise<Undo> {
  let undo: Undo;
  if (isRoot) {
    await chattr('+i', dir);
    undo = () => chattr('-i', dir);
  } else {
    const { mode } = await fs.stat(dir);
    await fs.chmod(dir, 0o555);
    undo = () => fs.chmod(dir, mode & 0o7777);
  }
  if (!(await refusesNewEntries(dir))) {
    await undo();
    throw new Error(`could not make ${dir} read-only on this machine`);
  }
  return once(undo);
}

/**
 * The credentials file can no longer be replaced (the atomic rename onto it fails) while it stays
 * readable and its directory still takes lock and temp entries where the user's permissions allow.
 */
export async function makeFileIrreplaceable(file: string): Promise<Undo> {
  // Root: the file itself is made immutable. Ordinary user: the directory refuses the rename.
  if (!isRoot) return makeDirReadOnly(path.dirname(file));
  await chattr('+i', file);
  return once(() => chattr('-i', file));
}

function once(fn: Undo): Undo {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
