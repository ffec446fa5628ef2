/**
 * The official OpenAPI documents (test/fixtures/specs/) as ajv validators, JSON Schema 2020-12.
 *
 * Only the component schemas reachable from the roots we validate against are converted, once per
 * process: OpenAPI 3.0 `nullable` becomes a `null` type, draft-4 boolean `exclusiveMinimum` a
 * number, `$recursiveRef` a `$ref` to its component, `#/components/schemas/X` refs `#/$defs/X`.
 * A union whose branches each pin the discriminator property (`type`, or what `discriminator`
 * names) becomes one if/then per branch: a failing object is checked against the branch its
 * `type` selects, so an error names that branch and the field, not "must match exactly one
 * schema" across forty event types. Unions without such a property stay unions.
 *
 * The allow-list (allow-list.ts) is applied here too: an entry drops one property from one
 * component's `required` (or lets it be `null`) and leaves an `x-allowance` marker there, so a
 * validation records which entries it actually used (the suite checks that none is stale).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import yaml from 'js-yaml';
import { ALLOWANCES, allowanceKey, type Allowance } from './allow-list.js';

export type SpecName = 'anthropic' | 'openai';
type Json = Record<string, unknown>;

const SPEC_DIR = fileURLToPath(new URL('../fixtures/specs/', import.meta.url));
const COMPONENT_REF = '#/components/schemas/';

/** The shapes this suite checks, by name: the component of each spec that describes them. */
export const ROOTS = {
  anthropic: {
    message: 'Message',
    streamEvent: 'MessageStreamEvent',
    error: 'ErrorResponse',
  },
  openai: {
    chatCompletion: 'CreateChatCompletionResponse',
    chatChunk: 'CreateChatCompletionStreamResponse',
    response: 'Response',
    responseEvent: 'ResponseStreamEvent',
    error: 'ErrorResponse',
  },
} as const;

function loadComponents(spec: SpecName): Record<string, Json> {
  const doc = spec === 'anthropic'
    ? (JSON.parse(readFileSync(`${SPEC_DIR}anthropic-openapi.json`, 'utf8')) as Json)
    : (yaml.load(readFileSync(`${SPEC_DIR}openai-openapi.yaml`, 'utf8')) as Json);
  return (doc.components as { schemas: Record<string, Json> }).schemas;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keywords whose value is one schema / a list of schemas / a map of schemas. */
const SCHEMA_KEYS = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems']);
const SCHEMA_LIST_KEYS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', '$defs', 'definitions']);
/** Annotations and OpenAPI extras that validation does not need. */
const DROP_KEYS = new Set(['description', 'title', 'example', 'examples', 'deprecated', 'discriminator', 'nullable', 'readOnly', 'writeOnly', 'externalDocs', 'xml', '$recursiveAnchor']);

/** Each converted schema object → the component it belongs to, to name the branch in a violation. */
const OWNER = new WeakMap<object, string>();

class Converter {
  readonly defs: Record<string, Json> = {};
  private readonly pending: string[] = [];

  constructor(
    private readonly components: Record<string, Json>,
    private readonly allowances: readonly Allowance[],
  ) {}

  /** Convert `roots` and every component they reach. */
  run(roots: readonly string[]): Record<string, Json> {
    for (const r of roots) this.want(r);
    while (this.pending.length > 0) {
      const name = this.pending.pop()!;
      const source = this.components[name];
      if (!source) throw new Error(`spec has no component ${name}`);
      const converted = this.schema(source, name);
      for (const a of this.allowances) if (a.component === name) relax(converted, a);
      this.defs[name] = converted;
    }
    return this.defs;
  }

  private want(name: string): string {
    if (!(name in this.defs) && !this.pending.includes(name)) {
      this.defs[name] = {}; // placeholder: marks it taken
      this.pending.push(name);
    }
    return `#/$defs/${name}`;
  }

  private refName(ref: string): string {
    if (!ref.startsWith(COMPONENT_REF)) throw new Error(`unsupported $ref ${ref}`);
    return ref.slice(COMPONENT_REF.length);
  }

  private schema(node: unknown, component: string): Json {
    if (!isObject(node)) return node as Json;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (DROP_KEYS.has(key) || key.startsWith('x-')) continue;
      if (key === '$ref') out.$ref = this.want(this.refName(value as string));
      else if (key === '$recursiveRef') out.$ref = `#/$defs/${component}`;
      else if (SCHEMA_KEYS.has(key)) out[key] = typeof value === 'boolean' ? value : this.schema(value, component);
      else if (SCHEMA_LIST_KEYS.has(key)) out[key] = (value as unknown[]).map((v) => this.schema(v, component));
      else if (SCHEMA_MAP_KEYS.has(key)) {
        out[key] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, this.schema(v, component)]));
      } else out[key] = value;
    }
    // Draft-4 style boolean exclusive bounds.
    for (const [excl, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof out[excl] === 'boolean') {
        if (out[excl]) out[excl] = out[bound];
        else delete out[excl];
        delete out[bound];
      }
    }
    const union = (node.oneOf ?? node.anyOf) as unknown[] | undefined;
    let result = out;
    if (union) {
      const discriminated = this.discriminate(node, union, out, component);
      if (discriminated) result = discriminated;
    }
    if (node.nullable === true) result = nullable(result);
    own(result, component);
    return result;
  }

  /**
   * A union whose object branches each pin distinct values of one property → an if/then per
   * branch (plus an optional `null` branch kept as `anyOf`). Undefined when not discriminable.
   */
  private discriminate(node: Json, union: unknown[], converted: Json, component: string): Json | undefined {
    const explicit = isObject(node.discriminator) ? (node.discriminator as { propertyName: string; mapping?: Record<string, string> }) : undefined;
    const prop = explicit?.propertyName ?? 'type';
    const branches: { values: unknown[]; schema: Json }[] = [];
    let allowsNull = false;
    const seen = new Set<unknown>();
    for (const branch of union) {
      if (isObject(branch) && branch.type === 'null' && Object.keys(branch).length === 1) {
        allowsNull = true;
        continue;
      }
      let values = this.pinned(branch, prop, new Set());
      if (explicit?.mapping && isObject(branch) && typeof branch.$ref === 'string') {
        const mapped = Object.entries(explicit.mapping).filter(([, ref]) => ref === branch.$ref).map(([v]) => v);
        if (mapped.length > 0) values = mapped;
      }
      if (!values || values.some((v) => seen.has(v))) return undefined;
      for (const v of values) seen.add(v);
      branches.push({ values, schema: this.schema(branch, component) });
    }
    if (branches.length < 2) return undefined;
    const rest = { ...converted };
    delete rest.oneOf;
    delete rest.anyOf;
    const byType: Json = {
      ...rest,
      type: 'object',
      required: [...new Set([...((rest.required as string[] | undefined) ?? []), prop])],
      properties: { ...(rest.properties as Json | undefined), [prop]: { enum: [...seen] } },
      allOf: [
        ...((rest.allOf as Json[] | undefined) ?? []),
        ...branches.map((b) => ({ if: { properties: { [prop]: { enum: b.values } } }, then: b.schema })),
      ],
    };
    return allowsNull ? { anyOf: [{ type: 'null' }, byType] } : byType;
  }

  /** The values a schema allows for `prop` (const, or enum without null); undefined if unpinned. */
  private pinned(schema: unknown, prop: string, visiting: Set<string>): unknown[] | undefined {
    if (!isObject(schema)) return undefined;
    if (typeof schema.$ref === 'string') {
      const name = this.refName(schema.$ref);
      if (visiting.has(name)) return undefined;
      visiting.add(name);
      return this.pinned(this.components[name], prop, visiting);
    }
    const p = isObject(schema.properties) ? schema.properties[prop] : undefined;
    if (isObject(p)) {
      if ('const' in p) return [p.const];
      if (Array.isArray(p.enum)) return p.enum.filter((v) => v !== null);
    }
    for (const member of (schema.allOf as unknown[] | undefined) ?? []) {
      const found = this.pinned(member, prop, visiting);
      if (found) return found;
    }
    return undefined;
  }
}

/** Apply one allowance to a converted component (its properties sit at the top or in one `allOf` member). */
function relax(component: Json, a: Allowance): void {
  const key = allowanceKey(a);
  const holders = [component, ...((component.allOf as Json[] | undefined) ?? [])];
  if (a.allow === 'missing') {
    const holder = holders.find((h) => (h.required as string[] | undefined)?.includes(a.property));
    if (!holder) throw new Error(`allow-list: ${key} is not required by the spec`);
    holder.required = (holder.required as string[]).filter((p) => p !== a.property);
    holder['x-allowance'] = [...((holder['x-allowance'] as unknown[] | undefined) ?? []), { missing: a.property, key }];
    return;
  }
  const holder = holders.find((h) => isObject(h.properties) && a.property in h.properties);
  if (!holder) throw new Error(`allow-list: ${key} names no property of the spec`);
  const props = holder.properties as Json;
  props[a.property] = { anyOf: [{ type: 'null', 'x-allowance': [{ null: true, key }] }, props[a.property]] };
}

/** Tag `schema` and the objects directly under its keywords (property schemas, if/then…) with `component`. */
function own(schema: Json, component: string): void {
  if (OWNER.has(schema)) return;
  OWNER.set(schema, component);
  for (const value of Object.values(schema)) {
    if (Array.isArray(value)) for (const v of value) if (isObject(v)) own(v, component);
    if (isObject(value)) own(value, component);
  }
}

/** OpenAPI 3.0 `nullable: true` in 2020-12 terms. */
function nullable(schema: Json): Json {
  if (typeof schema.type === 'string' && !('$ref' in schema) && !schema.allOf && !schema.anyOf && !schema.oneOf) {
    const out: Json = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) out.enum = [...schema.enum, null];
    return out;
  }
  return { anyOf: [{ type: 'null' }, schema] };
}

export interface Violation {
  /** JSON pointer into the validated value. */
  path: string;
  message: string;
  /** The spec component whose rule failed (the union branch the value's `type` selected). */
  component: string;
}

export interface SpecValidators {
  validate(spec: SpecName, root: string, value: unknown): Violation[];
  /** Keys (allowanceKey) of the allow-list entries some validation used. */
  readonly usedAllowances: Set<string>;
}

let cached: SpecValidators | undefined;

/** Both specs' validators, built once per process (each root compiled on first use). */
export function specValidators(): SpecValidators {
  if (cached) return cached;
  const usedAllowances = new Set<string>();
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, discriminator: false, verbose: true });
  // Records an allowance as used when the value it excuses is there: the property absent, or null.
  ajv.addKeyword({
    keyword: 'x-allowance',
    schemaType: 'array',
    validate: (rules: { missing?: string; null?: true; key: string }[], data: unknown) => {
      for (const rule of rules) {
        if (rule.missing !== undefined ? isObject(data) && !(rule.missing in data) : data === null) usedAllowances.add(rule.key);
      }
      return true;
    },
  });
  for (const spec of ['anthropic', 'openai'] as const) {
    const defs = new Converter(loadComponents(spec), ALLOWANCES.filter((a) => a.spec === spec)).run(Object.values(ROOTS[spec]));
    ajv.addSchema({ $id: `urn:spec:${spec}`, $defs: defs });
  }
  const compiled = new Map<string, ValidateFunction>();
  cached = {
    usedAllowances,
    validate(spec, root, value) {
      const key = `urn:spec:${spec}#/$defs/${root}`;
      let fn = compiled.get(key);
      if (!fn) {
        fn = ajv.getSchema(key);
        if (!fn) throw new Error(`no schema ${key}`);
        compiled.set(key, fn);
      }
      return fn(value) ? [] : violations(fn.errors ?? []);
    },
  };
  return cached;
}

/**
 * ajv's errors, the informative ones: "must match then" and "must match a schema in anyOf" only
 * repeat what the nested errors say, and a `null` branch's "must be null" is noise when the value
 * is an object that failed its real branch.
 */
function violations(errors: ErrorObject[]): Violation[] {
  const specific = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const useful = specific.filter((e) => !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'));
  const chosen = useful.length > 0 ? useful : errors;
  const out = new Map<string, Violation>();
  for (const e of chosen) {
    const allowed = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : undefined;
    const extra = !allowed ? '' : allowed.length <= 8 ? ` ${JSON.stringify(allowed)}` : ` (${allowed.length} values; got ${JSON.stringify(e.data)})`;
    const component = (e.parentSchema && OWNER.get(e.parentSchema)) ?? '?';
    const v = { path: e.instancePath || '/', message: `${e.message ?? e.keyword}${extra}`, component };
    out.set(`${v.path} ${v.message}`, v);
  }
  return [...out.values()];
}
