/**
 * loadSettings: defaults < TOML file < environment < overrides (CLI flags), deep-merged and
 * validated by the core schema. Records where every key came from (`ccproxy config show`, error
 * messages). Plugin sections stay raw here; `resolvePluginConfig` validates one with its plugin's
 * schema once the plugin is loaded.
 */
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { AnyPlugin } from '../plugin.js';
import { repairToSchema } from './coerce.js';
import { envNameFor, readEnvLayer } from './env.js';
import { expandPath, readTomlFile, resolveConfigFile } from './file.js';
import { describeIssues, explainIssue, type ZodIssueLike } from './issues.js';
import { SettingsSchema, type Settings } from './schema.js';
import { deepMerge, isPlainObject, leaves, unknownKeys, type Tree } from './tree.js';
import { describeUnknown, type KeySource } from './unknown.js';
import type { ZodLike } from './zod-walk.js';

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

export interface LoadSettingsOptions {
  /** `--config FILE`; must exist. */
  configFile?: string;
  /** Environment to read (default `process.env`; tests pass `{}`). */
  env?: NodeJS.ProcessEnv;
  /** For `./.ccproxy.toml` and relative paths (default `process.cwd()`). */
  cwd?: string;
  /** CLI flags as a nested settings object; highest precedence. */
  overrides?: Record<string, unknown>;
}

/** Where the values of one settings object came from. */
export interface ConfigOrigin {
  file?: string;
  /** Dotted key path → layer that set it, for every leaf of the settings (plugin keys: as written). */
  sources: Map<string, ConfigSource>;
  /** Dotted key path → env variable that set it. */
  envNames: Map<string, string>;
}

export interface LoadedSettings extends ConfigOrigin {
  settings: Settings;
}

const origins = new WeakMap<object, ConfigOrigin>();

/** The origin recorded by loadSettings for this settings object (undefined for hand-made ones). */
export function originOf(settings: object): ConfigOrigin | undefined {
  return origins.get(settings);
}

/** Source of a key or of its closest ancestor that was set as a whole. */
export function sourceOf(origin: ConfigOrigin | undefined, path: string): ConfigSource {
  if (!origin) return 'default';
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const s = origin.sources.get(p);
    if (s) return s;
  }
  return 'default';
}

/** The variable that set `path` (or the ancestor set as a whole by one JSON-valued variable). */
export function envNameOf(origin: ConfigOrigin | undefined, path: string): string {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const name = origin?.envNames.get(p);
    if (name) return name;
  }
  return envNameFor(path.split('.'));
}

/** " in FILE", " from env VAR", " from the command line", or "" for defaults. */
export function describeOrigin(origin: ConfigOrigin | undefined, path: string): string {
  const source = sourceOf(origin, path);
  if (source === 'file') return `in ${origin?.file ?? 'the config file'}`;
  if (source === 'flag') return 'from the command line';
  if (source === 'env') return `from env ${envNameOf(origin, path)}`;
  return '';
}

/** Where a key, or the first key below it (a whole section), was written. */
export function keySource(origin: ConfigOrigin | undefined, path: string): KeySource {
  let source = sourceOf(origin, path);
  let leaf = path;
  if (source === 'default') {
    for (const [p, s] of origin?.sources ?? []) {
      if (s !== 'default' && p.startsWith(`${path}.`)) {
        source = s;
        leaf = p;
        break;
      }
    }
  }
  if (source === 'env') return { kind: 'env', name: envNameOf(origin, leaf) };
  // An empty table records no source: it came from the file, if there is one.
  if (source === 'flag' || !origin?.file) return { kind: 'flag' };
  return { kind: 'file', file: origin.file };
}

/** plugin_dirs entries relative to the file that names them (or to cwd), `~` expanded. */
function resolveDirs(tree: Tree, base: string, env: NodeJS.ProcessEnv): Tree {
  const dirs = tree.plugin_dirs;
  if (!Array.isArray(dirs)) return tree;
  return { ...tree, plugin_dirs: dirs.map((d) => (typeof d === 'string' ? expandPath(d, base, env) : d)) };
}

export async function loadSettings(opts: LoadSettingsOptions = {}): Promise<LoadedSettings> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const schema = SettingsSchema as unknown as ZodLike;

  // An explicit environment without HOME must not fall back to the real user's config file.
  const noUserConfig = opts.env !== undefined && !env.HOME && !env.XDG_CONFIG_HOME;
  const file = resolveConfigFile({ configFile: opts.configFile, env, cwd, noUserConfig });
  let fileTree: Tree = {};
  if (file) {
    fileTree = readTomlFile(file);
    const unknown = unknownKeys(fileTree, schema).map((u) => describeUnknown(u, { kind: 'file', file }));
    if (unknown.length) throw new ConfigError(`Unknown setting ${unknown.join(', ')} (see \`ccproxy plugins settings core\`)`);
    fileTree = resolveDirs(fileTree, dirname(file), env);
  }
  const envLayer = readEnvLayer(env, schema);
  if (envLayer.unknown.length) {
    const unknown = envLayer.unknown.map((u) => describeUnknown(u.key, { kind: 'env', name: u.name }));
    throw new ConfigError(`Unknown setting ${unknown.join(', ')} (see \`ccproxy plugins settings core\`)`);
  }
  const envTree = resolveDirs(envLayer.tree, cwd, env);
  const flagTree = resolveDirs(isPlainObject(opts.overrides) ? opts.overrides : {}, cwd, env);

  const sources = new Map<string, ConfigSource>();
  for (const [layer, source] of [[fileTree, 'file'], [envTree, 'env'], [flagTree, 'flag']] as const) {
    // An empty table (`[plugins.x]` with every key commented out) sets nothing.
    for (const [path, value] of leaves(layer)) if (value !== undefined && !isPlainObject(value)) sources.set(path, source);
  }
  const merged = deepMerge(deepMerge(fileTree, envTree), flagTree);
  const origin: ConfigOrigin = { file, sources, envNames: envLayer.names };

  const parsed = SettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const detail = describeIssues(parsed.error.issues as ZodIssueLike[], merged, [], (p) => describeOrigin(origin, p));
    throw new ConfigError(`Invalid config: ${detail}`);
  }
  // Complete the map: every other leaf of the result is a default.
  for (const [path] of leaves(parsed.data)) if (sourceOf(origin, path) === 'default') sources.set(path, 'default');
  origins.set(parsed.data, origin);
  return { settings: parsed.data, ...origin };
}

/**
 * Validate one `[plugins.<name>]` section with the plugin's schema (values that came from env
 * strings are first coerced to the schema's types). Throws a ConfigError naming the key, where it
 * was set and what was expected.
 */
export function resolvePluginConfig<C>(
  plugin: { name: string; configSchema: AnyPlugin['configSchema'] },
  raw: Record<string, unknown>,
  where?: ConfigOrigin,
): C {
  const schema = plugin.configSchema;
  const input = repairToSchema(raw, schema as unknown as ZodLike);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const prefix = ['plugins', plugin.name];
    const detail = describeIssues(parsed.error.issues as ZodIssueLike[], input, prefix, (p) => describeOrigin(where, p));
    throw new ConfigError(`Invalid config for plugin ${plugin.name}: ${detail}`);
  }
  return parsed.data as C;
}

/** Every problem in one plugin section, by dotted key path (`config show` marks those rows). */
export function pluginConfigProblems(
  plugin: { name: string; configSchema: AnyPlugin['configSchema'] },
  raw: Record<string, unknown>,
): Array<{ path: string; problem: string }> {
  const input = repairToSchema(raw, plugin.configSchema as unknown as ZodLike);
  const parsed = plugin.configSchema.safeParse(input);
  if (parsed.success) return [];
  return (parsed.error.issues as ZodIssueLike[]).map((issue) => explainIssue(issue, input, ['plugins', plugin.name]));
}
