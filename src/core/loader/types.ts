/** What the loader hands the runtime and the CLI: one record per plugin found. */
import type { Logger } from 'pino';
import type { AnyPlugin } from '../plugin.js';

export type PluginSource = 'builtin' | 'directory' | 'package';

/**
 * `discovered`: imported, allowed, config valid; the runtime may start it.
 * `active`: started by the runtime. `disabled`: by allow/deny list or `enabled = false`.
 * `failed`: import, conformance, config, initialize... (see `reason`).
 */
export type PluginState = 'discovered' | 'active' | 'disabled' | 'failed';

export interface PluginRecord {
  name: string;
  version?: string;
  source: PluginSource;
  /** The module file (or package directory for a package that failed before import). */
  location: string;
  plugin?: AnyPlugin;
  state: PluginState;
  reason?: string;
  /** The plugin's validated config section (set when the config check passed). */
  config?: unknown;
  /** Routes mounted by the runtime, `METHOD /full/path`. */
  routes?: string[];
}

/** A module that may hold a plugin, before import. */
export interface PluginCandidate {
  source: PluginSource;
  location: string;
  /** Directory or package name: the record's name when the module cannot be imported. */
  hint: string;
  /** package.json version for npm packages. */
  version?: string;
}

export interface DiscoverOptions {
  /** Built-in plugins directory (default: `src/plugins` or `dist/plugins` next to the core). */
  builtinDir?: string;
  /** For `./node_modules` (default `process.cwd()`). */
  cwd?: string;
  logger: Logger;
  /** node_modules directories to scan for plugin packages (default: cwd's and ccproxy's own). */
  nodeModulesDirs?: string[];
  /** Bound for importing one module, seconds (default: settings.plugin_init_timeout). */
  importTimeoutSeconds?: number;
}
