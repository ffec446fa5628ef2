/**
 * The environment layer: `SECTION__KEY=value` with `__` nesting (`SERVER__PORT=9000`,
 * `PLUGINS__CODEX__BASE_URL=...`, `DISABLED_PLUGINS=a,b`). Only upper-case variables whose first
 * segment is a top-level settings key are read, so unrelated environment never leaks into the
 * config (mixed-case `Logging__LogLevel__Default` of other frameworks is not ours).
 */
import { coerceEnvValue } from './coerce.js';
import { lookup, setPath, type Tree } from './tree.js';
import type { UnknownKey } from './types.js';
import { unwrap, type ZodLike } from './zod-walk.js';

export interface EnvLayer {
  tree: Tree;
  /** Dotted key path → the variable it came from (for error messages and `config show`). */
  names: Map<string, string>;
  /** Variables that look like ours but name no known key (`SERVER__PROT`), with what is known there. */
  unknown: Array<{ name: string; key: UnknownKey }>;
}

/** `plugins.codex.base_url` → `PLUGINS__CODEX__BASE_URL`. */
export function envNameFor(path: readonly string[]): string {
  return path.map((p) => p.toUpperCase()).join('__');
}

export function readEnvLayer(env: NodeJS.ProcessEnv, schema: ZodLike): EnvLayer {
  const shape = unwrap(schema).base._zod.def.shape ?? {};
  const layer: EnvLayer = { tree: {}, names: new Map(), unknown: [] };
  // Sorted so that a nested variable deterministically wins over a JSON-valued parent.
  for (const name of Object.keys(env).sort()) {
    const raw = env[name];
    if (raw === undefined || name !== name.toUpperCase()) continue;
    const path = name.toLowerCase().split('__');
    const top = path[0];
    if (top === undefined || !Object.hasOwn(shape, top) || path.some((p) => p === '')) continue;
    const found = lookup(schema, path);
    if (found.unknown) {
      layer.unknown.push({ name, key: found.unknown });
      continue;
    }
    const kind = found.schema ? unwrap(found.schema).base._zod.def.type : 'unknown';
    // `SERVER=...` alone is not a nesting variable: accept it only as a JSON object.
    const value = coerceEnvValue(raw, found.schema);
    if ((kind === 'object' || kind === 'record') && (typeof value !== 'object' || value === null)) {
      if (path.length === 1) continue;
    }
    setPath(layer.tree, path, value);
    layer.names.set(path.join('.'), name);
  }
  return layer;
}
