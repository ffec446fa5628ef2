import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { coerceEnvValue, coerceGeneric, repairToSchema } from '../../src/core/config/coerce.js';
import { describeIssues, isSecretKey, type ZodIssueLike } from '../../src/core/config/issues.js';
import { listKeys, schemaAt, typeName, unwrap, type ZodLike } from '../../src/core/config/zod-walk.js';

const zl = (s: z.ZodType): ZodLike => s as unknown as ZodLike;

describe('env coercion', () => {
  it('guesses JSON only when the text looks like JSON', () => {
    expect(coerceGeneric('12')).toBe(12);
    expect(coerceGeneric('true')).toBe(true);
    expect(coerceGeneric('[1,"a"]')).toEqual([1, 'a']);
    expect(coerceGeneric('{"a":1}')).toEqual({ a: 1 });
    expect(coerceGeneric('{oops}')).toBe('{oops}');
    expect(coerceGeneric('http://x')).toBe('http://x');
  });

  it('follows the target schema', () => {
    expect(coerceEnvValue('8080', zl(z.number()))).toBe(8080);
    expect(coerceEnvValue('', zl(z.number()))).toBe('');
    expect(coerceEnvValue('eight', zl(z.number()))).toBe('eight');
    expect(coerceEnvValue('YES', zl(z.boolean()))).toBe(true);
    expect(coerceEnvValue('off', zl(z.boolean()))).toBe(false);
    expect(coerceEnvValue('maybe', zl(z.boolean()))).toBe('maybe');
    expect(coerceEnvValue('1, 2,', zl(z.array(z.number())))).toEqual([1, 2]);
    expect(coerceEnvValue('["a,b"]', zl(z.array(z.string())))).toEqual(['a,b']);
    expect(coerceEnvValue('', zl(z.array(z.string())))).toEqual([]);
    expect(coerceEnvValue('Pretty', zl(z.enum(['json', 'pretty'])))).toBe('pretty');
    expect(coerceEnvValue('123', zl(z.string().default('x')))).toBe('123');
    expect(coerceEnvValue('{"a":"b"}', zl(z.record(z.string(), z.string())))).toEqual({ a: 'b' });
  });

  it('repairs a raw plugin section against its schema', () => {
    const schema = zl(z.object({
      n: z.number(), s: z.string(), b: z.boolean(), list: z.array(z.number()),
      obj: z.object({ port: z.number() }), map: z.record(z.string(), z.number()), u: z.union([z.string(), z.number()]),
    }));
    expect(repairToSchema({ n: '1', s: 2, b: 'false', list: '1,2', obj: '{"port":"3"}', map: { a: '4' }, u: 5, extra: 'x' }, schema))
      .toEqual({ n: 1, s: '2', b: false, list: [1, 2], obj: { port: 3 }, map: { a: 4 }, u: 5, extra: 'x' });
    expect(repairToSchema('nope', schema)).toBe('nope');
    expect(repairToSchema('[1]', zl(z.record(z.string(), z.number())))).toEqual([1]);
  });
});

describe('issue messages', () => {
  const raw = { a: 'xy', list: [1], token: 'secret-value', long: 'x'.repeat(100) };
  const line = (issue: Partial<ZodIssueLike>): string =>
    describeIssues([{ code: 'custom', path: [], message: 'custom message', ...issue } as ZodIssueLike], raw, ['p'], () => 'in f.toml');

  it('says what was expected for each kind of problem', () => {
    expect(line({ code: 'too_small', path: ['a'], origin: 'string', minimum: 3, inclusive: true })).toBe('p.a in f.toml: expected length >= 3, got "xy"');
    expect(line({ code: 'too_big', path: ['list'], origin: 'array', maximum: 0, inclusive: false })).toBe('p.list in f.toml: expected item count < 0, got [1]');
    expect(line({ code: 'invalid_format', path: ['a'], format: 'url' })).toBe('p.a in f.toml: expected a valid url, got "xy"');
    expect(line({ code: 'unrecognized_keys', keys: ['zz'] })).toBe('p in f.toml: unknown key(s) zz');
    expect(line({ code: 'invalid_union', path: ['a'] })).toBe('p.a in f.toml: does not match any accepted form, got "xy"');
    expect(line({ code: 'invalid_type', path: ['token'], expected: 'number' })).toBe('p.token in f.toml: expected number, got (hidden)');
    expect(line({ code: 'invalid_type', path: ['missing'], expected: 'int' })).toBe('p.missing in f.toml: expected an integer, got nothing');
    expect(line({ path: ['long'] })).toMatch(/custom message, got "x{56}\.\.\.$/);
  });

  it('recognizes secret key names', () => {
    for (const k of ['server.auth_token', 'plugins.x.api_key', 'plugins.openai.api_keys', 'state.encryption_key', 'a.apiKey', 'client_secret', 'password']) expect(isSecretKey(k)).toBe(true);
    for (const k of ['plugins.x.token_url', 'max_tokens', 'keys_file', 'credentials_file']) expect(isSecretKey(k)).toBe(false);
  });
});

describe('zod schema walking', () => {
  const schema = zl(z.object({
    a: z.string().default('x').describe('A'),
    nested: z.object({ b: z.number().int().optional().describe('B') }).default({}),
    rec: z.record(z.string(), z.object({ c: z.boolean() })),
    piped: z.string().transform((s) => s.trim()),
    nul: z.string().nullable(),
  }));

  it('unwraps defaults and finds sub-schemas', () => {
    const u = unwrap(schemaAt(schema, ['a']) as ZodLike);
    expect(u).toMatchObject({ hasDefault: true, defaultValue: 'x', description: 'A', optional: false });
    expect(typeName(schemaAt(schema, ['rec', 'any', 'c']) as ZodLike)).toBe('boolean');
    expect(schemaAt(schema, ['a', 'deeper'])).toBeUndefined();
    expect(typeName(schemaAt(schema, ['piped']) as ZodLike)).toBe('string');
    expect(unwrap(schemaAt(schema, ['nul']) as ZodLike).optional).toBe(true);
  });

  it('lists leaf keys with nested objects flattened', () => {
    const keys = listKeys(schema);
    expect(keys.map((k) => k.path.join('.'))).toEqual(['a', 'nested.b', 'rec', 'piped', 'nul']);
    expect(keys[1]).toMatchObject({ type: 'integer', optional: true, hasDefault: false, description: 'B' });
    expect(listKeys(zl(z.string()))).toEqual([]);
  });
});
