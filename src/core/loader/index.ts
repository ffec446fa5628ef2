/**
 * discoverPlugins: find every plugin module (built-in `plugins/*`, `plugin_dirs`, npm packages with a
 * `ccproxy.plugin` field), import them all concurrently (each bounded), check the protocol, apply
 * allow/deny lists and validate each loadable plugin's config section here (so `plugins list`
 * shows config errors too). Records come back `discovered` (ready for the runtime to initialize),
 * `disabled` or `failed` with a reason. Duplicate names and equal route prefixes throw ConfigError.
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Settings } from '../config/schema.js';
import { originOf } from '../config/load.js';
import { dedupeCandidates, defaultNodeModulesDirs, scanNodeModules, scanPluginDir } from './candidates.js';
import { instantiate } from './instantiate.js';
import { checkConfig, disabledReason, refuseDuplicates, refusePrefixConflicts, refuseUnknownPluginSettings } from './policy.js';
import type { DiscoverOptions, PluginCandidate, PluginRecord } from './types.js';

export type { DiscoverOptions, PluginRecord, PluginSource, PluginState } from './types.js';

/** `src/plugins` when running sources, `dist/plugins` when built. */
export const BUILTIN_PLUGINS_DIR = fileURLToPath(new URL('../../plugins/', import.meta.url));
/** The ccproxy package root (for its own node_modules). */
const INSTALL_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function toRecord(c: PluginCandidate, timeoutMs: number): Promise<PluginRecord> {
  const result = await instantiate(c, timeoutMs);
  if (!result.ok) return { name: c.hint, version: c.version, source: c.source, location: c.location, state: 'failed', reason: result.reason };
  const plugin = result.plugin;
  return { name: plugin.name, version: plugin.version, source: c.source, location: c.location, plugin, state: 'discovered' };
}

export async function discoverPlugins(settings: Settings, opts: DiscoverOptions): Promise<PluginRecord[]> {
  const { logger } = opts;
  const cwd = opts.cwd ?? process.cwd();
  const nodeModules = opts.nodeModulesDirs ?? await defaultNodeModulesDirs(cwd, INSTALL_ROOT);
  const lists = await Promise.all([
    scanPluginDir(opts.builtinDir ?? BUILTIN_PLUGINS_DIR, 'builtin'),
    ...settings.plugin_dirs.map((dir) => scanPluginDir(dir, 'directory')),
    ...nodeModules.map(scanNodeModules),
  ]);
  settings.plugin_dirs.forEach((dir, i) => {
    if (lists[i + 1]?.length === 0) logger.warn({ dir, exists: existsSync(dir) }, 'no plugin found in plugin directory');
  });
  const candidates = await dedupeCandidates(lists.flat());
  const timeoutMs = (opts.importTimeoutSeconds ?? settings.plugin_init_timeout) * 1000;
  const records = await Promise.all(candidates.map((c) => toRecord(c, timeoutMs)));

  refuseDuplicates(records);
  const origin = originOf(settings);
  refuseUnknownPluginSettings(records, settings, origin, logger);
  for (const record of records) {
    const disabled = disabledReason(record.name, settings);
    if (disabled) {
      record.state = 'disabled';
      record.reason = disabled;
    } else if (record.state === 'discovered') {
      checkConfig(record, settings, origin);
    }
    if (record.state === 'failed') logger.error({ plugin: record.name, location: record.location, reason: record.reason }, 'plugin failed to load');
  }
  refusePrefixConflicts(records);
  return records;
}
