/**
 * Finding plugin modules without importing them: built-in plugin directories, `plugin_dirs`, and
 * npm packages whose package.json says `"ccproxy": { "plugin": "./dist/plugin.js" }`.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { PluginCandidate, PluginSource } from './types.js';

/** Module file names tried in each plugin directory, in order (built JS first, then sources). */
const ENTRY_FILES = ['plugin.js', 'plugin.mjs', 'plugin.ts', 'index.js', 'index.mjs'];

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/**
 * Every `<dir>/<name>/plugin.{js,mjs,ts}` (or index.js); names starting with `_` or `.` are skipped.
 * A `plugin_dirs` entry that is itself one plugin's directory (holds `plugin.*`) is that plugin.
 */
export async function scanPluginDir(dir: string, source: PluginSource): Promise<PluginCandidate[]> {
  if (source === 'directory') {
    const own = ENTRY_FILES.slice(0, 3).find((f) => existsSync(join(dir, f)));
    if (own) return [{ source, location: join(dir, own), hint: basename(dir) }];
  }
  const found = await Promise.all((await listDir(dir)).map(async (name): Promise<PluginCandidate | undefined> => {
    if (name.startsWith('_') || name.startsWith('.')) return undefined;
    const sub = join(dir, name);
    if (!(await isDir(sub))) return undefined;
    const entry = ENTRY_FILES.find((f) => existsSync(join(sub, f)));
    return entry ? { source, location: join(sub, entry), hint: name } : undefined;
  }));
  return found.filter((c): c is PluginCandidate => c !== undefined);
}

interface PackageJson {
  name?: string;
  version?: string;
  ccproxy?: { plugin?: unknown };
}

async function packageCandidate(pkgDir: string): Promise<PluginCandidate | undefined> {
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
  const entry = pkg.ccproxy?.plugin;
  if (typeof entry !== 'string') return undefined;
  return { source: 'package', location: resolve(pkgDir, entry), hint: pkg.name ?? basename(pkgDir), version: pkg.version };
}

/** Packages (including `@scope/name`) in one node_modules directory that declare a ccproxy plugin. */
export async function scanNodeModules(dir: string): Promise<PluginCandidate[]> {
  const dirs: string[] = [];
  for (const name of await listDir(dir)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const sub of await listDir(join(dir, name))) dirs.push(join(dir, name, sub));
    } else {
      dirs.push(join(dir, name));
    }
  }
  const found = await Promise.all(dirs.map(packageCandidate));
  return found.filter((c): c is PluginCandidate => c !== undefined);
}

/**
 * node_modules to scan: cwd's, ccproxy's own, and the one ccproxy is installed in (a global
 * install's plugins are its siblings). Deduplicated by real path.
 */
export async function defaultNodeModulesDirs(cwd: string, installRoot: string): Promise<string[]> {
  const dirs = [join(cwd, 'node_modules'), join(installRoot, 'node_modules')];
  if (basename(dirname(installRoot)) === 'node_modules') dirs.push(dirname(installRoot));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of dirs) {
    const real = await realpath(d).catch(() => undefined);
    if (real && !seen.has(real)) {
      seen.add(real);
      out.push(d);
    }
  }
  return out;
}

/** Same module reached twice (e.g. a package also listed in plugin_dirs) counts once. */
export async function dedupeCandidates(list: PluginCandidate[]): Promise<PluginCandidate[]> {
  const seen = new Set<string>();
  const out: PluginCandidate[] = [];
  for (const c of list) {
    const real = await realpath(c.location).catch(() => c.location);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(c);
  }
  return out;
}
