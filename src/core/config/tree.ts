/**
 * Plain-object helpers for config layers: deep merge (objects merge, arrays and scalars replace),
 * leaf flattening to dotted key paths, and finding keys a schema does not know (typos).
 */
import { unwrap, type ZodLike } from './zod-walk.js';

export type Tree = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A new object: `over` merged into `base`; neither is modified. */
export function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

/** Set `value` at `path`, creating objects on the way. */
export function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let cur = tree;
  for (const key of path.slice(0, -1)) {
    const next = cur[key];
    if (!isPlainObject(next)) cur[key] = {};
    cur = cur[key] as Tree;
  }
  const last = path[path.length - 1];
  if (last !== undefined) cur[last] = value;
}

export function getPath(tree: unknown, path: readonly string[]): unknown {
  let cur = tree;
  for (const key of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Leaves as [dotted path, value]; arrays and empty objects are leaves. */
export function leaves(tree: Tree, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length > 0) out.push(...leaves(v, key));
    else out.push([key, v]);
  }
  return out;
}

/** Result of looking a path up in a schema: `free` means below a z.unknown()/z.any() (no checks). */
export interface Lookup {
  schema?: ZodLike;
  free: boolean;
}

export function lookup(schema: ZodLike, path: readonly string[]): Lookup {
  let cur: ZodLike = schema;
  for (const key of path) {
    const def = unwrap(cur).base._zod.def;
    if (def.type === 'unknown' || def.type === 'any') return { free: true };
    const next = def.type === 'object' ? def.shape?.[key] : def.type === 'record' ? def.valueType : undefined;
    if (!next) return { free: false };
    cur = next;
  }
  return { schema: cur, free: false };
}

/** Dotted paths in `raw` that `schema` has no key for (descends objects and records). */
export function unknownKeys(raw: Tree, schema: ZodLike, prefix: string[] = []): string[] {
  const def = unwrap(schema).base._zod.def;
  const out: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const child = def.type === 'object' ? def.shape?.[k] : def.type === 'record' ? def.valueType : undefined;
    if (def.type !== 'object' && def.type !== 'record') continue;
    if (!child) {
      out.push([...prefix, k].join('.'));
      continue;
    }
    if (isPlainObject(v)) out.push(...unknownKeys(v, child, [...prefix, k]));
  }
  return out;
}
