/**
 * Environment variables are strings; settings are typed. These turn an env string into what the
 * target key expects (number, boolean, comma list, JSON object), and repair a raw plugin section
 * whose env-sourced values were coerced before the plugin's schema was known.
 */
import { kindOf, unwrap, type ZodLike } from './zod-walk.js';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** Schema-free guess: JSON when it parses (numbers, booleans, arrays, objects), else the string. */
export function coerceGeneric(raw: string): unknown {
  const t = raw.trim();
  if (/^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null|\[.*\]|\{.*\}|".*")$/s.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Coerce one env string for a key whose schema is known (undefined → generic). */
export function coerceEnvValue(raw: string, schema: ZodLike | undefined): unknown {
  if (!schema) return coerceGeneric(raw);
  const base = unwrap(schema).base;
  const def = base._zod.def;
  switch (def.type) {
    case 'string':
      return raw;
    case 'enum': {
      // `LOGGING__LEVEL=DEBUG` means debug: match enum values case-insensitively.
      const hit = Object.values(def.entries ?? {}).find((v) => typeof v === 'string' && v.toLowerCase() === raw.trim().toLowerCase());
      return hit ?? raw;
    }
    case 'number': {
      const n = Number(raw.trim());
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      return TRUE.has(v) ? true : FALSE.has(v) ? false : raw;
    }
    case 'array': {
      const t = raw.trim();
      if (t.startsWith('[')) {
        const parsed = coerceGeneric(t);
        if (Array.isArray(parsed)) return parsed;
      }
      const items = t === '' ? [] : t.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      return def.element ? items.map((s) => coerceEnvValue(s, def.element)) : items;
    }
    default:
      return coerceGeneric(raw);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Make a raw value fit its schema where the mismatch is only the env-string round trip
 * (`"8080"` for a number, `123` for a string, `"a,b"` for a list). Anything else is left for
 * zod to report.
 */
export function repairToSchema(value: unknown, schema: ZodLike): unknown {
  const base = unwrap(schema).base;
  const def = base._zod.def;
  switch (kindOf(schema)) {
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'number':
    case 'boolean':
      return typeof value === 'string' ? coerceEnvValue(value, base) : value;
    case 'array': {
      const arr = typeof value === 'string' ? coerceEnvValue(value, base) : value;
      return Array.isArray(arr) && def.element ? arr.map((x) => repairToSchema(x, def.element as ZodLike)) : arr;
    }
    case 'object': {
      const obj = typeof value === 'string' ? coerceGeneric(value) : value;
      if (!isPlainObject(obj) || !def.shape) return obj;
      const out: Record<string, unknown> = { ...obj };
      for (const [k, v] of Object.entries(obj)) {
        const child = def.shape[k];
        if (child) out[k] = repairToSchema(v, child);
      }
      return out;
    }
    case 'record': {
      const obj = typeof value === 'string' ? coerceGeneric(value) : value;
      if (!isPlainObject(obj) || !def.valueType) return obj;
      const vt = def.valueType;
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, repairToSchema(v, vt)]));
    }
    default:
      return value;
  }
}
