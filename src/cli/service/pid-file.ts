/**
 * The background service's pid file: which process `ccproxy start` started, on which URL, and how
 * it was started. A file whose process is gone (or is no longer the one we started: pids are
 * reused) is stale: it says nothing and is removed.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface ServiceRecord {
  pid: number;
  url: string;
  /** The script the service runs (`…/cli/main.js`): how a reused pid is told apart on Linux. */
  script: string;
  started_at: string;
}

export async function writePidFile(file: string, record: ServiceRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/**
 * The proxy records itself once it listens (so the record names the process that got the port,
 * whoever started it) and removes the record when it exits, unless another process's replaced it.
 */
export async function recordThisProcess(file: string, url: string): Promise<void> {
  const record: ServiceRecord = { pid: process.pid, url, script: process.argv[1] ?? '', started_at: new Date().toISOString() };
  await writePidFile(file, record);
  process.once('exit', () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as Partial<ServiceRecord>).pid === process.pid) rmSync(file, { force: true });
    } catch {
      /* gone or unreadable: nothing of ours to remove */
    }
  });
}

export async function removePidFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** The record, or undefined when there is no file or it is unreadable. */
export async function readPidFile(file: string): Promise<ServiceRecord | undefined> {
  try {
    const r = JSON.parse(await readFile(file, 'utf8')) as Partial<ServiceRecord>;
    if (!Number.isInteger(r.pid) || (r.pid ?? 0) <= 0 || typeof r.url !== 'string') return undefined;
    return { pid: r.pid!, url: r.url, script: String(r.script ?? ''), started_at: String(r.started_at ?? '') };
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped: some container inits never reap) is gone too.
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** Alive, and (where /proc tells) still running the script it was started with. */
export function isOurService(record: ServiceRecord): boolean {
  if (!isAlive(record.pid)) return false;
  if (process.platform !== 'linux' || !record.script) return true;
  try {
    return readFileSync(`/proc/${record.pid}/cmdline`, 'latin1').split('\0').includes(record.script);
  } catch {
    return false;
  }
}
