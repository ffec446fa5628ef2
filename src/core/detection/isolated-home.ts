/**
 * A throwaway home for one detection run of a CLI. The CLIs write into their home as they start
 * (a config file, backups, a cache), and detection must never touch the person's own: HOME and
 * the XDG directories point into a fresh temporary directory, removed afterwards whatever
 * happened, and nothing else of the person's environment is passed on, so a CLI's own directory
 * variable (set by the plugin that knows the CLI, if it needs one) falls back to the fresh HOME.
 * Credentials are not needed: detection runs against a loopback capture server with a dummy key.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IsolatedHome {
  dir: string;
  /**
   * The environment for the CLI: PATH, locale and terminal from `base`, and HOME, TMPDIR and
   * XDG_CONFIG_HOME/XDG_CACHE_HOME/XDG_DATA_HOME/XDG_STATE_HOME inside `dir`. Nothing else: no
   * key, no proxy setting, no CLI directory variable of the person's.
   */
  env: NodeJS.ProcessEnv;
}

/** Variables a CLI needs to start that say nothing about the person (kept from `base`). */
const KEPT = ['PATH', 'LANG', 'LC_ALL', 'TERM'];

/** Run `fn` with a fresh isolated home; the directory is removed when it settles. `base` is the proxy's environment (services.env). */
export async function withIsolatedHome<T>(label: string, fn: (home: IsolatedHome) => Promise<T>, base: NodeJS.ProcessEnv): Promise<T> {
  const dir = await fs.mkdtemp(join(tmpdir(), `ccproxy-${label}-`));
  const env: NodeJS.ProcessEnv = {
    HOME: dir,
    TMPDIR: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    XDG_CACHE_HOME: join(dir, '.cache'),
    XDG_DATA_HOME: join(dir, '.local', 'share'),
    XDG_STATE_HOME: join(dir, '.local', 'state'),
  };
  for (const name of KEPT) if (base[name] !== undefined) env[name] = base[name];
  env.PATH ??= '/usr/bin:/bin';
  try {
    return await fn({ dir, env });
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
