/**
 * Where the background service (`ccproxy start`, and the launchers that start it) keeps its pid
 * file and log: `$XDG_STATE_HOME/ccproxy`, by default `~/.local/state/ccproxy`.
 */
import { homedir } from 'node:os';
import path from 'node:path';

export interface StatePaths {
  dir: string;
  pidFile: string;
  logFile: string;
}

export function statePaths(env: NodeJS.ProcessEnv): StatePaths {
  const base = env.XDG_STATE_HOME || path.join(env.HOME || homedir(), '.local', 'state');
  const dir = path.join(base, 'ccproxy');
  return { dir, pidFile: path.join(dir, 'ccproxy.pid'), logFile: path.join(dir, 'ccproxy.log') };
}
