/**
 * Which discovered plugins may start: allow/deny lists, `plugins.<name>.enabled = false`, the
 * plugin's own config schema; and the two conditions that refuse startup altogether (two plugins
 * with one name, two plugins on one route prefix).
 */
import type { Logger } from 'pino';
import { repairToSchema } from '../config/coerce.js';
import { keySource, resolvePluginConfig, type ConfigOrigin } from '../config/load.js';
import type { Settings } from '../config/schema.js';
import { unknownKeys } from '../config/tree.js';
import { describeUnknown } from '../config/unknown.js';
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
export function checkConfig(record: PluginRecord, settings: Settings, origin: ConfigOrigin | undefined): void {
  const plugin = record.plugin;
  if (!plugin) return;
  const raw = settings.plugins[record.name] ?? {};
  const schema = plugin.configSchema as unknown as ZodLike;
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

/**
 * A `[plugins.<name>]` section no plugin owns (`[plugins.codx]`, `PLUGINS__CODX__ENABLED`) and a key
 * a plugin's schema does not have (`base_urll`) are typos: refused like unknown core keys, with the
 * nearest known name. Disabled plugins' sections are checked too (the plugin was imported, its
 * schema is known). A module that could not be imported may own a section under a name we never
 * learned: then an unowned section is only a warning, so the import error stays the one reported.
 */
export function refuseUnknownPluginSettings(records: PluginRecord[], settings: Settings, origin: ConfigOrigin | undefined, logger: Logger): void {
  const owners = new Map(records.map((r) => [r.name, r]));
  const nameless = records.some((r) => !r.plugin);
  const problems: string[] = [];
  for (const [name, section] of Object.entries(settings.plugins)) {
    const owner = owners.get(name);
    if (!owner) {
      const key = { path: ['plugins', name], known: [...owners.keys()].sort() };
      const where = describeUnknown(key, keySource(origin, `plugins.${name}`));
      if (nameless) logger.warn({ section: `plugins.${name}` }, `no loaded plugin owns section ${where}`);
      else problems.push(`Unknown plugin section ${where}; plugins found: ${key.known.join(', ') || 'none'}`);
      continue;
    }
    if (!owner.plugin) continue;
    const stray = unknownKeys(section, owner.plugin.configSchema as unknown as ZodLike, ['plugins', name]);
    for (const u of stray) problems.push(`Unknown setting ${describeUnknown(u, keySource(origin, u.path.join('.')))}`);
    if (stray.length) problems[problems.length - 1] += `; \`ccproxy plugins settings ${name}\` lists its keys`;
  }
  if (problems.length) throw new ConfigError(problems.join('; '));
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
