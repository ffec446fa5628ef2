/**
 * Plain-object helpers for config layers: deep merge (objects merge, arrays and scalars replace),
 * leaf flattening to dotted key paths, and finding keys a schema does not know (typos).
 */
import type { UnknownKey } from './types.js';
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

/**
 * Result of looking a path up in a schema: `free` means below a z.unknown()/z.any() (no checks);
 * `unknown` is the first segment no schema has, with the names known at its level.
 */
export interface Lookup {
  schema?: ZodLike;
  free: boolean;
  unknown?: UnknownKey;
}

/** Keys an object schema accepts besides its shape (`.catchall()`, `.passthrough()`): any. */
function acceptsAnyKey(def: ReturnType<typeof unwrap>['base']['_zod']['def']): boolean {
  const rest = (def as { catchall?: ZodLike }).catchall;
  return rest !== undefined && rest._zod.def.type !== 'never';
}

/** The schema one level down, undefined when `key` is not accepted there. */
function child(schema: ZodLike, key: string): ZodLike | 'free' | undefined {
  const def = unwrap(schema).base._zod.def;
  if (def.type === 'unknown' || def.type === 'any') return 'free';
  if (def.type === 'record') return def.valueType;
  if (def.type !== 'object') return undefined;
  const next = def.shape?.[key];
  if (next) return next;
  return acceptsAnyKey(def) ? 'free' : undefined;
}

function knownNames(schema: ZodLike): string[] {
  return Object.keys(unwrap(schema).base._zod.def.shape ?? {});
}

export function lookup(schema: ZodLike, path: readonly string[]): Lookup {
  let cur: ZodLike = schema;
  for (let i = 0; i < path.length; i++) {
    const next = child(cur, path[i]!);
    if (next === 'free') return { free: true };
    if (!next) return { free: false, unknown: { path: path.slice(0, i + 1), known: knownNames(cur) } };
    cur = next;
  }
  return { schema: cur, free: false };
}

/** Keys in `raw` that `schema` has no place for (descends objects and records), with the known names. */
export function unknownKeys(raw: Tree, schema: ZodLike, prefix: string[] = []): UnknownKey[] {
  const kind = unwrap(schema).base._zod.def.type;
  if (kind !== 'object' && kind !== 'record') return [];
  const out: UnknownKey[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const next = child(schema, k);
    if (next === 'free') continue;
    if (!next) out.push({ path: [...prefix, k], known: knownNames(schema) });
    else if (isPlainObject(v)) out.push(...unknownKeys(v, next, [...prefix, k]));
  }
  return out;
}
