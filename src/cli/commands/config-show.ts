/**
 * `ccproxy config show`: every effective setting (core, then each plugin's section with its
 * defaults applied), secrets masked, with where it came from: default, file, env (VAR), flag.
 */
import { isSecretKey } from '../../core/config/issues.js';
import { sourceOf, type ConfigOrigin } from '../../core/config/load.js';
import { isPlainObject, leaves, type Tree } from '../../core/config/tree.js';
import { loadContext, type GlobalOptions } from '../context.js';
import { table } from '../table.js';

export function maskValue(path: string, value: unknown): string {
  if (value !== undefined && value !== '' && isSecretKey(path)) return '********';
  return JSON.stringify(value) ?? 'undefined';
}

function sourceLabel(origin: ConfigOrigin, path: string): string {
  const source = sourceOf(origin, path);
  if (source !== 'env') return source;
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const name = origin.envNames.get(p);
    if (name) return `env ${name}`;
  }
  return 'env';
}

export async function configShow(opts: GlobalOptions): Promise<void> {
  const { loaded, records } = await loadContext(opts);
  const { settings } = loaded;
  const { plugins: rawPlugins, ...core } = settings;
  const effective: Tree = { ...core, plugins: {} };
  const pluginTree = effective.plugins as Tree;
  for (const r of records) {
    const section = r.config ?? rawPlugins[r.name];
    if (isPlainObject(section)) pluginTree[r.name] = section;
  }
  // Sections for plugins that were not found are still shown (as written).
  for (const [name, section] of Object.entries(rawPlugins)) if (!(name in pluginTree)) pluginTree[name] = section;

  const rows = leaves(effective).map(([path, value]) => [path, sourceLabel(loaded, path), maskValue(path, value)]);
  process.stdout.write(`Config file: ${loaded.file ?? 'none (defaults, environment and flags only)'}\n\n`);
  process.stdout.write(table(['KEY', 'SOURCE', 'VALUE'], rows));
}
