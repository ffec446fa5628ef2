/** What most commands start with: the effective settings and every discovered plugin (not started). */
import type { LoadedSettings } from '../core/config/load.js';
import type { PluginRecord } from '../core/loader/types.js';
import { UsageError } from './errors.js';

export interface GlobalOptions {
  config?: string;
  debug?: boolean;
  /** Environment and working directory (tests run commands in-process with their own). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface CliContext {
  loaded: LoadedSettings;
  records: PluginRecord[];
}

/** `defaultsOnly`: ignore file and env (for `config init` over a broken file). */
export async function loadContext(opts: GlobalOptions, defaultsOnly = false): Promise<CliContext> {
  const [{ loadSettings }, { SettingsSchema }, { discoverPlugins }, { default: pino }] = await Promise.all([
    import('../core/config/load.js'),
    import('../core/config/schema.js'),
    import('../core/loader/index.js'),
    import('pino'),
  ]);
  const loaded: LoadedSettings = defaultsOnly
    ? { settings: SettingsSchema.parse({}), sources: new Map(), envNames: new Map() }
    : await loadSettings({ configFile: opts.config, env: opts.env, cwd: opts.cwd });
  // Failures show up in the command's own output; warnings only with --debug.
  const logger = pino({ level: opts.debug ? 'debug' : 'silent' }, pino.destination(2));
  const records = await discoverPlugins(loaded.settings, { logger, cwd: opts.cwd });
  return { loaded, records };
}

/** The record for a plugin name or one of its `auth.aliases`. */
export function findPlugin(records: PluginRecord[], name: string): PluginRecord {
  const record = records.find((r) => r.name === name) ??
    records.find((r) => r.plugin?.auth?.aliases.includes(name));
  if (!record) {
    const names = records.map((r) => r.name).sort().join(', ') || 'none';
    throw new UsageError(`No plugin named "${name}" (found: ${names})`);
  }
  if (!record.plugin) throw new UsageError(`Plugin "${record.name}" could not be loaded: ${record.reason ?? 'unknown error'}`);
  return record;
}
