/**
 * The proxy's own directories, from the environment it runs with (XDG base directories, else the
 * usual places under HOME). Small on purpose: the CLI's quick commands import it.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CACHE_HOME/ccproxy`, else `~/.cache/ccproxy`. */
export function cacheDirFrom(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  const home = env.HOME || homedir();
  return join(xdg && xdg.length > 0 ? xdg : join(home, '.cache'), 'ccproxy');
}

/** `$XDG_DATA_HOME/ccproxy`, else `~/.local/share/ccproxy`. */
export function dataDirFrom(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME;
  const home = env.HOME || homedir();
  return join(xdg && xdg.length > 0 ? xdg : join(home, '.local', 'share'), 'ccproxy');
}

/** `$XDG_STATE_HOME/ccproxy`, else `~/.local/state/ccproxy`: logs and traces the proxy writes. */
export function stateDirFrom(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_STATE_HOME;
  const home = env.HOME || homedir();
  return join(xdg && xdg.length > 0 ? xdg : join(home, '.local', 'state'), 'ccproxy');
}
