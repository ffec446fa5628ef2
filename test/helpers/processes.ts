/** Finding the processes a test started, however they detached (Linux /proc; elsewhere none). */
import { readdirSync, readFileSync } from 'node:fs';

function scan(file: 'cmdline', match: (parts: string[]) => boolean): number[] {
  if (process.platform !== 'linux') return [];
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid).flatMap((n) => {
    try {
      return match(readFileSync(`/proc/${n}/${file}`, 'latin1').split('\0')) ? [Number(n)] : [];
    } catch {
      return []; // gone, or not ours
    }
  });
}

/** Pids whose command line has `arg` as one of its arguments (a script path, say). */
export const processesRunning = (arg: string): number[] => scan('cmdline', (argv) => argv.includes(arg));

/** Alive and not a zombie (an exited process nobody reaped yet: some container inits never do). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}
