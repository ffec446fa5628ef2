/**
 * Which discovered plugins may start: allow/deny lists, `plugins.<name>.enabled = false`, the
 * plugin's own config schema; and the two conditions that refuse startup altogether (two plugins
 * with one name, two plugins on one route prefix).
 */
import type { Logger } from 'pino';
import { repairToSchema } from '../config/coerce.js';
import { resolvePluginConfig, type ConfigOrigin } from '../config/load.js';
import type { Settings } from '../config/schema.js';
import { unknownKeys } from '../config/tree.js';
import type { ZodLike } from '../config/zod-walk.js';
import { ConfigError } from '../errors.js';
import { errorMessage } from '../plugin-lifecycle.js';
import type { PluginRecord } from './types.js';

/** Why settings keep `name` from loading, or undefined when it may load. */
export function disabledReason(name: string, settings: Settings): string | undefined {
  if (settings.enabled_plugins && !settings.enabled_plugins.includes(name)) return 'not in enabled_plugins';
  if (settings.disabled_plugins.includes(name)) return 'listed in disabled_plugins';
  if (settings.plugins[name]?.enabled === false) return `plugins.${name}.enabled = false`;
  return undefined;
}

/**
 * Validate the config section of a plugin that may load. On success the record gets `config`, and
 * the raw section in `settings.plugins` is replaced by its type-coerced form so the plugin's own
 * `configSchema.parse(services.getPluginConfig(name))` sees numbers where env gave strings.
 */
export function checkConfig(record: PluginRecord, settings: Settings, origin: ConfigOrigin | undefined, logger: Logger): void {
  const plugin = record.plugin;
  if (!plugin) return;
  const raw = settings.plugins[record.name] ?? {};
  const schema = plugin.configSchema as unknown as ZodLike;
  const stray = unknownKeys(raw, schema);
  if (stray.length) logger.warn({ plugin: record.name, keys: stray.map((k) => `plugins.${record.name}.${k}`) }, 'unknown plugin config keys ignored');
  try {
    const repaired = repairToSchema(raw, schema) as Record<string, unknown>;
    record.config = resolvePluginConfig(plugin, repaired, origin);
    if (settings.plugins[record.name]) settings.plugins[record.name] = repaired;
    if ((record.config as { enabled?: unknown }).enabled === false) {
      record.state = 'disabled';
      record.reason = `plugins.${record.name}.enabled = false`;
    }
  } catch (err) {
    record.state = 'failed';
    record.reason = errorMessage(err);
  }
}

function describe(r: PluginRecord): string {
  return `${r.location} (${r.source})`;
}

/** Two loadable modules claiming one name: refuse, naming both. */
export function refuseDuplicates(records: PluginRecord[]): void {
  const byName = new Map<string, PluginRecord>();
  for (const r of records) {
    if (!r.plugin) continue;
    const other = byName.get(r.name);
    if (other) {
      throw new ConfigError(`Two plugins are named "${r.name}": ${describe(other)} and ${describe(r)}. Remove one, or rename it.`);
    }
    byName.set(r.name, r);
  }
}

/**
 * Equal route prefixes among plugins that may start are refused. Nested prefixes (`/claude` and
 * `/claude/sdk`) are allowed; Fastify rejects the rare exact route collision when mounting.
 */
export function refusePrefixConflicts(records: PluginRecord[]): void {
  const owners = new Map<string, PluginRecord>();
  for (const r of records) {
    const prefix = r.plugin?.routerPrefix;
    if (r.state !== 'discovered' || prefix === undefined) continue;
    const other = owners.get(prefix);
    if (other) {
      throw new ConfigError(`Plugins "${other.name}" (${other.location}) and "${r.name}" (${r.location}) both use route prefix "${prefix}". Disable one (disabled_plugins) or change its prefix.`);
    }
    owners.set(prefix, r);
  }
}
