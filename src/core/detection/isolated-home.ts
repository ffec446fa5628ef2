/**
 * A throwaway home for one detection run of a CLI. The CLIs write into their home as they start
 * (Claude Code creates `~/.claude.json`, `~/.claude/backups/`, `~/.claude.json.tmp.<pid>.<hex>`;
 * Codex its `~/.codex`), and detection must never touch the person's own: every variable that
 * points a CLI at its directories points into a fresh temporary directory, removed afterwards
 * whatever happened. Credentials are not needed: detection runs against a loopback capture
 * server with a dummy key.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IsolatedHome {
  dir: string;
  /**
   * The environment for the CLI: PATH, locale and terminal from `base`, and HOME, TMPDIR,
   * XDG_CONFIG_HOME/XDG_CACHE_HOME/XDG_DATA_HOME/XDG_STATE_HOME, CLAUDE_CONFIG_DIR and CODEX_HOME
   * inside `dir`. Nothing else: no key, no proxy setting of the person's.
   */
  env: NodeJS.ProcessEnv;
  /** `CODEX_HOME` of `env` (not created: the caller writes its config.toml there). */
  codexHome: string;
}

/** Variables a CLI needs to start that say nothing about the person (kept from `base`). */
const KEPT = ['PATH', 'LANG', 'LC_ALL', 'TERM'];

/** Run `fn` with a fresh isolated home; the directory is removed when it settles. */
export async function withIsolatedHome<T>(label: string, fn: (home: IsolatedHome) => Promise<T>, base: NodeJS.ProcessEnv = process.env): Promise<T> {
  const dir = await fs.mkdtemp(join(tmpdir(), `ccproxy-${label}-`));
  const codexHome = join(dir, '.codex');
  const env: NodeJS.ProcessEnv = {
    HOME: dir,
    TMPDIR: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    XDG_CACHE_HOME: join(dir, '.cache'),
    XDG_DATA_HOME: join(dir, '.local', 'share'),
    XDG_STATE_HOME: join(dir, '.local', 'state'),
    CLAUDE_CONFIG_DIR: join(dir, '.claude'),
    CODEX_HOME: codexHome,
  };
  for (const name of KEPT) if (base[name] !== undefined) env[name] = base[name];
  env.PATH ??= '/usr/bin:/bin';
  try {
    return await fn({ dir, env, codexHome });
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
