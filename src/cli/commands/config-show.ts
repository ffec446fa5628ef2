/**
 * `ccproxy config show`: every effective setting (core, then each plugin's section with its
 * defaults applied), secrets masked, with where it came from: default, file, env (VAR), flag.
 * A plugin value its schema refuses is marked INVALID with the reason (and the exit code is 1).
 */
import { isSecretKey } from '../../core/config/issues.js';
import { envNameOf, pluginConfigProblems, sourceOf, type ConfigOrigin } from '../../core/config/load.js';
import { isPlainObject, leaves, type Tree } from '../../core/config/tree.js';
import { loadContext, type GlobalOptions } from '../context.js';
import { table } from '../table.js';

export function maskValue(path: string, value: unknown): string {
  if (value !== undefined && value !== '' && isSecretKey(path)) return '********';
  return JSON.stringify(value) ?? 'undefined';
}

function sourceLabel(origin: ConfigOrigin, path: string): string {
  const source = sourceOf(origin, path);
  return source === 'env' ? `env ${envNameOf(origin, path)}` : source;
}

export async function configShow(opts: GlobalOptions): Promise<void> {
  const { loaded, records } = await loadContext(opts);
  const { settings } = loaded;
  const { plugins: rawPlugins, ...core } = settings;
  const effective: Tree = { ...core, plugins: {} };
  const pluginTree = effective.plugins as Tree;
  const problems: Array<{ path: string; problem: string }> = [];
  for (const r of records) {
    const section = r.config ?? rawPlugins[r.name];
    if (isPlainObject(section)) pluginTree[r.name] = section;
    // A section that failed its schema is shown as written, each bad value marked with why.
    if (!r.config && r.plugin) problems.push(...pluginConfigProblems(r.plugin, rawPlugins[r.name] ?? {}));
  }
  // Sections no loaded plugin owns (possible only when a plugin failed to import) are shown as written.
  for (const [name, section] of Object.entries(rawPlugins)) if (!(name in pluginTree)) pluginTree[name] = section;

  const rows = leaves(effective).map(([path, value]) => [path, sourceLabel(loaded, path), maskValue(path, value), '']);
  for (const { path, problem } of problems) {
    const hit = rows.filter((row) => row[0] === path || row[0]!.startsWith(`${path}.`));
    if (hit.length === 0) rows.push([path, '-', '(not set)', `INVALID: ${problem}`]);
    for (const row of hit) row[3] = `INVALID: ${problem}`;
  }
  process.stdout.write(`Config file: ${loaded.file ?? 'none (defaults, environment and flags only)'}\n\n`);
  process.stdout.write(table(['KEY', 'SOURCE', 'VALUE', problems.length ? 'PROBLEM' : ''], rows));
  if (problems.length) {
    const failed = records.filter((r) => r.plugin && !r.config && r.state === 'failed').map((r) => r.name);
    process.stdout.write(`\n${problems.length} invalid value${problems.length === 1 ? '' : 's'}: plugin${failed.length === 1 ? '' : 's'} ${failed.join(', ')} will not start.\n`);
    process.exitCode = 1;
  }
}
