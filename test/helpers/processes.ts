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
