/**
 * Where the background service (`ccproxy start`, and the launchers that start it) keeps its pid
 * file and log: `$XDG_STATE_HOME/ccproxy`, by default `~/.local/state/ccproxy`.
 */
import path from 'node:path';
import { stateDirFrom } from '../../core/dirs.js';

export interface StatePaths {
  dir: string;
  pidFile: string;
  logFile: string;
}

export function statePaths(env: NodeJS.ProcessEnv): StatePaths {
  const dir = stateDirFrom(env);
  return { dir, pidFile: path.join(dir, 'ccproxy.pid'), logFile: path.join(dir, 'ccproxy.log') };
}
