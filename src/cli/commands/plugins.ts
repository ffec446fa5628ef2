/** `ccproxy plugins list` and `ccproxy plugins settings <name>`. */
import { SettingsSchema } from '../../core/config/schema.js';
import { envNameFor } from '../../core/config/env.js';
import { listKeys, type SchemaKey, type ZodLike } from '../../core/config/zod-walk.js';
import { loadContext, findPlugin, type GlobalOptions } from '../context.js';
import { table } from '../table.js';

const STATE_LABEL: Record<string, string> = { discovered: 'enabled', active: 'active', disabled: 'disabled', failed: 'failed' };

export async function pluginsList(opts: GlobalOptions): Promise<void> {
  const { records } = await loadContext(opts);
  const rows = [...records].sort((a, b) => a.name.localeCompare(b.name)).map((r) => [
    r.name,
    r.version ?? '-',
    r.plugin?.kind ?? '-',
    r.plugin?.routerPrefix ?? '-',
    STATE_LABEL[r.state] ?? r.state,
    r.source,
    r.reason ?? '',
  ]);
  process.stdout.write(rows.length ? table(['NAME', 'VERSION', 'KIND', 'PREFIX', 'STATE', 'SOURCE', 'REASON'], rows) : 'No plugins found.\n');
}

/** Core keys: every schema key except the free-form `plugins` section. */
export function coreKeys(): SchemaKey[] {
  return listKeys(SettingsSchema as unknown as ZodLike).filter((k) => k.path[0] !== 'plugins');
}

export function formatDefault(key: SchemaKey): string {
  if (!key.hasDefault) return key.optional ? '(none)' : '(required)';
  return JSON.stringify(key.defaultValue) ?? String(key.defaultValue);
}

export function describeKeys(keys: SchemaKey[], prefix: string[]): string {
  return keys.map((k) => {
    const path = [...prefix, ...k.path];
    return [
      path.join('.'),
      `  type:    ${k.type}`,
      `  default: ${formatDefault(k)}`,
      `  env:     ${envNameFor(path)}`,
      ...(k.description ? [`  ${k.description}`] : []),
    ].join('\n');
  }).join('\n\n') + '\n';
}

export async function pluginsSettings(name: string, opts: GlobalOptions): Promise<void> {
  if (name === 'core') {
    process.stdout.write(`Core settings (top level of the config file)\n\n${describeKeys(coreKeys(), [])}`);
    return;
  }
  const { records } = await loadContext(opts);
  const record = findPlugin(records, name);
  const plugin = record.plugin;
  if (!plugin) return;
  const keys = listKeys(plugin.configSchema as unknown as ZodLike);
  const head = `${plugin.name} ${plugin.version}${plugin.description ? ` - ${plugin.description}` : ''}\nSection [plugins.${plugin.name}]\n\n`;
  process.stdout.write(head + describeKeys(keys, ['plugins', plugin.name]));
}
