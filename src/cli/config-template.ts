/**
 * The commented TOML `config init` writes. Table headers are real (an empty table changes
 * nothing); every key is commented out with its description, default and env var, ready to
 * uncomment.
 */
import { envNameFor } from '../core/config/env.js';
import { SettingsSchema } from '../core/config/schema.js';
import { unwrap, typeName, type ZodLike } from '../core/config/zod-walk.js';

export interface TemplatePlugin {
  name: string;
  description?: string;
  schema: ZodLike;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function tomlKey(k: string): string {
  return BARE_KEY.test(k) ? k : JSON.stringify(k);
}

/** A TOML literal for a default value (inline tables for objects). */
export function tomlValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '0';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return entries.length ? `{ ${entries.map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`).join(', ')} }` : '{}';
  }
  return '""';
}

function placeholder(type: string): string {
  if (type.endsWith('[]')) return '[]';
  if (type === 'integer' || type === 'number') return '0';
  if (type === 'boolean') return 'false';
  if (type.startsWith('map<')) return '{}';
  return '""';
}

/** Lines for one object schema: scalar keys first, then nested objects as sub-tables. */
function section(header: string | undefined, schema: ZodLike, path: string[]): string[] {
  const shape = unwrap(schema).base._zod.def.shape ?? {};
  // A table header alone sets `{}`; comment it out when the sub-schema needs keys to be valid.
  const emptyOk = (schema as { safeParse?: (v: unknown) => { success: boolean } }).safeParse?.({}).success !== false;
  const out: string[] = header ? [`${path.length > 2 && !emptyOk ? '# ' : ''}[${header}]`] : [];
  const nested: Array<[string, ZodLike]> = [];
  for (const [key, child] of Object.entries(shape)) {
    const u = unwrap(child);
    if (u.base._zod.def.type === 'object') {
      nested.push([key, child]);
      continue;
    }
    if (path.length === 0 && key === 'plugins') continue;
    const type = typeName(child);
    const value = u.hasDefault ? tomlValue(u.defaultValue) : placeholder(type);
    const note = u.hasDefault ? '' : ' (optional, no default)';
    out.push(`# ${u.description ?? key}${note}. ${type}; env ${envNameFor([...path, key])}`);
    out.push(`# ${tomlKey(key)} = ${value}`);
  }
  for (const [key, child] of nested) {
    out.push('', ...section([...path, key].map(tomlKey).join('.'), child, [...path, key]));
  }
  return out;
}

export function renderTemplate(plugins: TemplatePlugin[]): string {
  const lines = [
    '# ccproxy configuration. Every key is commented out: the value shown is the default.',
    '# Precedence: command-line flags > environment variables > this file > defaults.',
    '# `ccproxy plugins settings <name>` describes every key; `ccproxy config show` shows the result.',
    '',
    ...section(undefined, SettingsSchema as unknown as ZodLike, []),
  ];
  for (const p of plugins) {
    lines.push('', `# --- plugin ${p.name}${p.description ? `: ${p.description}` : ''}`);
    lines.push(...section(`plugins.${p.name}`, p.schema, ['plugins', p.name]));
  }
  return lines.join('\n') + '\n';
}
