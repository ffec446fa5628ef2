/**
 * The commented TOML `config init` writes. Table headers are real (an empty table changes
 * nothing); every setting is a `# key = value` line that is valid as soon as its `#` is removed:
 * the default when there is one, else the schema's example (zod `.meta({ examples })`), else a
 * value the key's own schema accepts. Descriptions are `## ` lines, so uncommenting stays safe.
 */
import { envNameFor } from '../core/config/env.js';
import { SettingsSchema } from '../core/config/schema.js';
import { unwrap, typeName, type ZodLike } from '../core/config/zod-walk.js';

export interface TemplatePlugin {
  name: string;
  description?: string;
  schema: ZodLike;
  /** A provider (one `routing.default` can name). */
  provider?: boolean;
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

function accepts(schema: ZodLike, value: unknown): boolean {
  return (schema as { safeParse?: (v: unknown) => { success: boolean } }).safeParse?.(value).success === true;
}

/** `.meta({ examples: [...] })` anywhere from the outside in (an external zod may lack `meta`). */
function metaExamples(schema: ZodLike): unknown[] {
  let cur: ZodLike | undefined = schema;
  for (let i = 0; cur && i < 20; i++) {
    const meta = (cur as { meta?: () => { examples?: unknown } | undefined }).meta?.();
    if (Array.isArray(meta?.examples)) return meta.examples as unknown[];
    const def: { innerType?: ZodLike; in?: ZodLike } = cur._zod.def;
    cur = def.innerType ?? def.in;
  }
  return [];
}

/** Plain values of the key's type to try, in order, when the schema gives neither default nor example. */
function candidates(schema: ZodLike): unknown[] {
  const def = unwrap(schema).base._zod.def;
  switch (def.type) {
    case 'string': return ['example', 'https://example.com/v1'];
    case 'number': return [1, 10, 100, 1000];
    case 'boolean': return [false, true];
    case 'enum': return Object.values(def.entries ?? {});
    case 'literal': return [...(def.values ?? [])];
    case 'array': return [[]];
    case 'record': return [{}];
    case 'union': return (def.options ?? []).flatMap(candidates);
    default: return [];
  }
}

/** The value shown for a key: valid for the key's schema, or undefined when none is known. */
function shownValue(schema: ZodLike, contextExamples: unknown[]): unknown {
  const u = unwrap(schema);
  if (u.hasDefault) return u.defaultValue;
  return [...contextExamples, ...metaExamples(schema), ...candidates(schema)].find((v) => v !== undefined && accepts(schema, v));
}

/** Examples only the installed plugin set can give (core keys that name plugins or providers). */
function contextExamples(plugins: TemplatePlugin[]): Record<string, unknown[]> {
  const providers = plugins.filter((p) => p.provider).map((p) => p.name);
  return {
    enabled_plugins: plugins.length ? [plugins.map((p) => p.name)] : [],
    'routing.default': providers.slice(0, 1),
  };
}

/** `## description` and `# key = value` for one key; `display` is the key as written in its table. */
function keyLines(schema: ZodLike, full: string[], display: string, context: Record<string, unknown[]>): string[] {
  const u = unwrap(schema);
  const type = typeName(schema);
  const value = shownValue(schema, context[full.join('.')] ?? []);
  const note = u.hasDefault ? '' : value === undefined ? ' (no default)' : ' (no default; example)';
  const lines = [`## ${u.description ?? display}${note}. ${type}; env ${envNameFor(full)}`];
  if (value !== undefined) lines.push(`# ${display} = ${tomlValue(value)}`);
  return lines;
}

/**
 * Lines for one object schema: scalar keys first, then nested objects as sub-tables. A nested
 * object that is not valid empty (it needs keys) gets dotted keys in its parent instead of a
 * header, so no uncommented line ever leaves it half-set.
 */
function section(header: string | undefined, schema: ZodLike, path: string[], context: Record<string, unknown[]>): string[] {
  const shape = unwrap(schema).base._zod.def.shape ?? {};
  const out: string[] = header ? [`[${header}]`] : [];
  const nested: Array<[string, ZodLike]> = [];
  for (const [key, child] of Object.entries(shape)) {
    if (path.length === 0 && key === 'plugins') continue;
    if (unwrap(child).base._zod.def.type !== 'object') {
      out.push(...keyLines(child, [...path, key], tomlKey(key), context));
    } else if (accepts(child, {})) {
      nested.push([key, child]);
    } else {
      const inner = unwrap(child).base._zod.def.shape ?? {};
      for (const [k, c] of Object.entries(inner)) out.push(...keyLines(c, [...path, key, k], `${tomlKey(key)}.${tomlKey(k)}`, context));
    }
  }
  for (const [key, child] of nested) {
    out.push('', ...section([...path, key].map(tomlKey).join('.'), child, [...path, key], context));
  }
  return out;
}

export function renderTemplate(plugins: TemplatePlugin[]): string {
  const context = contextExamples(plugins);
  const lines = [
    '## ccproxy configuration. Every `# key = value` line is a setting you can use by removing its `#`:',
    '## the value shown is the default (or, where there is none, an example to edit).',
    '## Precedence: command-line flags > environment variables > this file > defaults.',
    '## `ccproxy plugins settings <name>` describes every key; `ccproxy config show` shows the result.',
    '',
    ...section(undefined, SettingsSchema as unknown as ZodLike, [], context),
  ];
  for (const p of plugins) {
    lines.push('', `## --- plugin ${p.name}${p.description ? `: ${p.description}` : ''}`);
    lines.push(...section(`plugins.${p.name}`, p.schema, ['plugins', p.name], context));
  }
  return lines.join('\n') + '\n';
}
