/**
 * Reading zod 4 schemas structurally (through `_zod.def`), so the CLI can list every key with its
 * type, default and description, and env strings can be coerced to what a key expects. Structural
 * on purpose: an external plugin may bring its own copy of zod.
 */

export interface ZodLike {
  readonly _zod: { readonly def: ZodDef };
  readonly description?: string;
}

interface ZodDef {
  readonly type: string;
  readonly innerType?: ZodLike;
  readonly defaultValue?: unknown;
  readonly shape?: Record<string, ZodLike>;
  readonly element?: ZodLike;
  readonly valueType?: ZodLike;
  readonly options?: readonly ZodLike[];
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly in?: ZodLike;
  readonly out?: ZodLike;
  readonly format?: string;
  readonly checks?: ReadonlyArray<{ readonly _zod?: { readonly def?: { readonly check?: string; readonly format?: string } } }>;
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

export function isZodLike(value: unknown): value is ZodLike {
  return typeof value === 'object' && value !== null && '_zod' in value &&
    typeof (value as { _zod?: { def?: { type?: unknown } } })._zod?.def?.type === 'string';
}

export interface Unwrapped {
  /** The schema under defaults/optionals/pipes. */
  base: ZodLike;
  hasDefault: boolean;
  defaultValue?: unknown;
  optional: boolean;
  /** First description found from the outside in. */
  description?: string;
}

/** Peel `.default()`, `.optional()`, `.nullable()`, pipes/transforms; collect default and description. */
export function unwrap(schema: ZodLike): Unwrapped {
  const out: Unwrapped = { base: schema, hasDefault: false, optional: false };
  let cur: ZodLike = schema;
  for (let i = 0; i < 20; i++) {
    if (out.description === undefined && cur.description) out.description = cur.description;
    const def = cur._zod.def;
    if (def.type === 'default' || def.type === 'prefault') {
      if (!out.hasDefault) {
        out.hasDefault = true;
        out.defaultValue = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
      }
    }
    if (def.type === 'optional' || def.type === 'nullable') out.optional = true;
    if (WRAPPERS.has(def.type) && def.innerType) cur = def.innerType;
    else if (def.type === 'pipe' && def.in) cur = def.in;
    else break;
  }
  out.base = cur;
  return out;
}

export function kindOf(schema: ZodLike): string {
  return unwrap(schema).base._zod.def.type;
}

/** The sub-schema at a key path (objects by key, records by any key); undefined when unknown. */
export function schemaAt(schema: ZodLike, path: readonly string[]): ZodLike | undefined {
  let cur: ZodLike | undefined = schema;
  for (const key of path) {
    if (!cur) return undefined;
    const def: ZodDef = unwrap(cur).base._zod.def;
    if (def.type === 'object') cur = def.shape?.[key];
    else if (def.type === 'record') cur = def.valueType;
    else return undefined;
  }
  return cur;
}

/** Human type name: `integer`, `string[]`, `"json" | "pretty"`, `map<string, string | object>`. */
export function typeName(schema: ZodLike): string {
  const def = unwrap(schema).base._zod.def;
  switch (def.type) {
    case 'number': {
      const int = def.checks?.some((c) => c._zod?.def?.format?.includes('int')) || def.format?.includes('int');
      return int ? 'integer' : 'number';
    }
    case 'string': return def.format ? `string (${def.format})` : 'string';
    case 'enum': return Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(' | ');
    case 'literal': return (def.values ?? []).map((v) => JSON.stringify(v)).join(' | ');
    case 'array': return def.element ? `${wrapUnion(typeName(def.element))}[]` : 'array';
    case 'record': return `map<string, ${def.valueType ? typeName(def.valueType) : 'unknown'}>`;
    case 'union': return (def.options ?? []).map(typeName).join(' | ');
    case 'object': return 'object';
    default: return def.type;
  }
}

function wrapUnion(t: string): string {
  return t.includes(' | ') ? `(${t})` : t;
}

export interface SchemaKey {
  /** Dotted path below the schema root, e.g. `oauth.token_url`. */
  path: string[];
  type: string;
  hasDefault: boolean;
  defaultValue?: unknown;
  optional: boolean;
  description?: string;
}

/** Every leaf key of an object schema; nested objects are descended, records/arrays are leaves. */
export function listKeys(schema: ZodLike, prefix: string[] = []): SchemaKey[] {
  const def = unwrap(schema).base._zod.def;
  if (def.type !== 'object' || !def.shape) return [];
  const out: SchemaKey[] = [];
  for (const [key, child] of Object.entries(def.shape)) {
    const u = unwrap(child);
    const path = [...prefix, key];
    if (u.base._zod.def.type === 'object') {
      out.push(...listKeys(child, path));
      continue;
    }
    out.push({ path, type: typeName(child), hasDefault: u.hasDefault, defaultValue: u.defaultValue, optional: u.optional, description: u.description });
  }
  return out;
}
