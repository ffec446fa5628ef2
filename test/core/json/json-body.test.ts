/**
 * JsonBody against JSON.parse, the reference: for random bodies in every spelling clients use
 * (compact, indented, Python's `json.dumps` with escaped non-ASCII, random whitespace, escaped
 * keys, repeated keys) and an adversarial set, a body is accepted exactly when JSON.parse accepts
 * it as an object; each top-level value and the whole object read back as JSON.parse reads them;
 * an exact edit parses to the original with the change applied and keeps every other byte; and
 * `mentions` never says 0 of a word that is there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBody } from '../../../src/core/json/json-body.js';
import { ProxyError } from '../../../src/core/errors.js';
import { pythonJsonDumps } from '../../../bench/lib/python-json.mjs';

type Obj = Record<string, unknown>;
const parse = (text: string | Buffer): JsonBody => JsonBody.parse(Buffer.isBuffer(text) ? text : Buffer.from(text));

/** What JSON.parse says about `text`: the object, or why it is refused. */
function reference(text: string): { ok: true; value: Obj } | { ok: false } {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ok: true, value: value as Obj } : { ok: false };
  } catch {
    return { ok: false };
  }
}

function expectSameAsJsonParse(input: string): void {
  // What goes over the wire: a lone surrogate in a JS string becomes U+FFFD in UTF-8.
  const text = Buffer.from(input).toString();
  const ref = reference(text);
  let body: JsonBody | undefined;
  let error: unknown;
  try {
    body = parse(text);
  } catch (err) {
    error = err;
  }
  if (!ref.ok) {
    expect(error, `accepted ${JSON.stringify(text.slice(0, 200))}`).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).status).toBe(400);
    return;
  }
  expect(error, `refused ${JSON.stringify(text.slice(0, 200))}`).toBeUndefined();
  // Body order; JSON.parse puts integer-like keys first.
  expect(body!.keys().sort()).toEqual(Object.keys(ref.value).sort());
  for (const key of Object.keys(ref.value)) {
    expect(body!.has(key)).toBe(true);
    expect(Object.is(body!.get(key), ref.value[key]) || JSON.stringify(body!.get(key)) === JSON.stringify(ref.value[key])).toBe(true);
    expect(body!.get(key)).toEqual(ref.value[key]);
  }
  expect(body!.get('not-a-key-of-it')).toBeUndefined();
  expect(body!.get('toString')).toEqual(Object.hasOwn(ref.value, 'toString') ? ref.value.toString : undefined);
  expect(body!.value()).toEqual(ref.value);
  expect(body!.with({}).equals(Buffer.from(text))).toBe(true);
}

/** Insert JSON whitespace at random structural positions of a compact text (outside strings). */
function sprinkle(compact: string, spaces: string[]): string {
  let out = '';
  let inString = false;
  let k = 0;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += compact[++i]!;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if ('{}[],:'.includes(c)) out += spaces[k++ % spaces.length]! + c + spaces[k++ % spaces.length]!;
    else out += c;
  }
  return out;
}

/** A key spelled with every character escaped as \uXXXX (`"\u0073ystem"` is `system`). */
const escapedKey = (key: string): string => `"${[...key].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;

const value = fc.jsonValue({ maxDepth: 4 });
const key = fc.oneof(fc.constantFrom('model', 'system', 'messages', 'tools', 'stream', '__proto__', 'toString', 'constructor', ''), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 }));
const ws = fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n', '  '), { minLength: 1, maxLength: 6 });
/** A top-level object's text with possibly repeated and escaped keys. */
const objectText = fc
  .array(fc.tuple(key, value, fc.boolean()), { maxLength: 8 })
  .chain((members) => fc.constantFrom(...[members, [...members, ...members.slice(0, 2)]]))
  .map((members) => `{${members.map(([k, v, esc]) => `${esc ? escapedKey(k) : JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);

describe('JsonBody reads what JSON.parse reads', () => {
  it('random objects: compact, indented, Python json.dumps, random whitespace, escaped and repeated keys', () => {
    fc.assert(
      fc.property(objectText, ws, (text, spaces) => {
        expectSameAsJsonParse(text);
        expectSameAsJsonParse(sprinkle(text, spaces));
        const parsed = JSON.parse(text) as Obj;
        expectSameAsJsonParse(JSON.stringify(parsed, null, 2));
        expectSameAsJsonParse(pythonJsonDumps(parsed));
      }),
      { numRuns: 400 },
    );
  });

  it('random texts and near-misses of JSON: accepted exactly when JSON.parse accepts an object', () => {
    const mutated = fc.tuple(objectText, fc.nat(), fc.constantFrom('', ',', '}', '"', '\\', '\u0001', '0', '-', '.', 'e', '[', ']', ':', ' ', 'tru', '\u00e9'), fc.nat(3)).map(
      ([text, at, piece, cut]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + piece + text.slice(i + cut);
      },
    );
    fc.assert(fc.property(fc.oneof(mutated, fc.string({ maxLength: 30 }), fc.json()), expectSameAsJsonParse), { numRuns: 1500 });
  });

  it('the adversarial set', () => {
    const cases = [
      '{"n":1e400,"m":-0,"f":1.0,"e":1e2,"E":1E+2,"z":0.0e-0,"big":123456789012345678901234567890}',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{}}}',
      '{"lone":"\\ud800","pair":"\\ud83e\\udd16","raw":"🤖","nul":"\\u0000"}',
      '{"a":1,"a":2,"b":{"a":3,"a":4},"a":5}',
      '{"\\u0073ystem":"escaped","system":"plain","sys\\u0074em":"last"}',
      ' \t\r\n{ "a" : [ 1 , { } , [ ] , "x" ] } \n',
      '{"x-anthropic-billing-header: cc_version=1;":"as a key","\\"quoted\\"":"\\\\"}',
      '{"a":"\u2028\u2029"}',
      '{}',
      '{"a":[]}',
      // Refused, as JSON.parse refuses them:
      '{"a":1}{"b":2}', '{"a":1} x', '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":+1}', '{"a":NaN}', '{"a":Infinity}', '{"a":-}',
      '{"a":"\t"}', '{"a":"\\x41"}', '{"a":"\\u12"}', "{'a':1}", '{a:1}', '{"a":1,}', '{,"a":1}', '[{"a":1}]', '"text"', '42', 'null',
      '{"a":tru}', '{"a":nulls}', '{"a"}', '{"a" 1}', '{"a":[1,]}', '{"a":[1 2]}', '', ' ', '{"a":1', '{"a":"x',
    ];
    for (const text of cases) expectSameAsJsonParse(text);
  });

  it('drops a leading UTF-8 byte order mark and refuses bytes that are not UTF-8', () => {
    const body = parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"model":"m"}')]));
    expect(body.get('model')).toBe('m');
    expect(body.bytes.toString()).toBe('{"model":"m"}');
    expect(() => parse(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toThrow(/not valid UTF-8/);
    // Overlong, surrogate and truncated UTF-8 sequences.
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      expect(() => parse(Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bad), Buffer.from('"}')]))).toThrow(/UTF-8/);
    }
  });
});

describe('nesting limit', () => {
  const nested = (depth: number, open = '[', close = ']'): string => `{"a":${open.repeat(depth - 1)}${close.repeat(depth - 1)}}`;

  it('accepts the limit and refuses one level more with a 400 naming it', () => {
    expect(parse(nested(256)).get('a')).toBeDefined();
    expect(() => parse(nested(257))).toThrow(/deeper than the limit of 256 levels \(server\.max_json_depth\)/);
    expect(JsonBody.parse(Buffer.from(nested(11)), { maxDepth: 11 }).has('a')).toBe(true);
    expect(() => JsonBody.parse(Buffer.from(nested(12)), { maxDepth: 11 })).toThrow(/limit of 11 levels/);
  });

  it('refuses 100,000 levels of arrays or objects without overflowing the stack', () => {
    expect(() => parse(nested(100_000))).toThrow(ProxyError);
    expect(() => parse(`{"a":${'{"b":'.repeat(100_000)}1${'}'.repeat(100_000)}}`)).toThrow(/limit of 256/);
    // Unbalanced and deep at once: still a clean refusal.
    expect(() => parse(`{"a":${'['.repeat(100_000)}`)).toThrow(ProxyError);
  });
});

describe('exact edits', () => {
  const changeOf = fc.dictionary(fc.oneof(key, fc.constantFrom('new', 'a')), fc.option(value, { nil: undefined }), { maxKeys: 3 });

  it('the edited bytes parse to the original with the changes applied (random bodies and spellings)', () => {
    fc.assert(
      fc.property(objectText, ws, changeOf, (compact, spaces, changes) => {
        for (const text of [compact, sprinkle(compact, spaces), pythonJsonDumps(JSON.parse(compact))]) {
          const edited = parse(text).with(changes);
          const expected = { ...(JSON.parse(text) as Obj) };
          for (const [k, v] of Object.entries(changes)) {
            if (v === undefined) delete expected[k];
            // What a change becomes on the wire is its JSON (-0 is written 0, as JSON.stringify does).
            else Object.defineProperty(expected, k, { value: JSON.parse(JSON.stringify(v)), enumerable: true, writable: true, configurable: true });
          }
          expect(JSON.parse(edited.toString())).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every byte outside the replaced value, spaces, escapes and number spellings included', () => {
    const text = '{ "model" : "m",\n  "system": [ {"type": "text", "text": "x-anthropic-billing-header: v;"} ],\n  "n": 1.50e+1, "s": "\\u00e9\\/" }';
    const edited = parse(text).with({ system: [] }).toString();
    expect(edited).toBe('{ "model" : "m",\n  "system": [],\n  "n": 1.50e+1, "s": "\\u00e9\\/" }');
  });

  it('removes earlier repeats of a changed key, so a parser that keeps the first one cannot read the old value', () => {
    const edited = parse('{"system":"old","a":1,"system":"older","b":2}').with({ system: 'new' }).toString();
    expect(edited).toBe('{"a":1,"system":"new","b":2}');
    expect(parse('{"a":1,"a":2}').with({ a: undefined }).toString()).toBe('{}');
    expect(parse('{ "a":1 , "b":2 , "c":3 }').with({ a: undefined, b: undefined }).toString()).toBe('{ "c":3 }');
    expect(parse('{ "a":1 , "b":2 , "c":3 }').with({ c: undefined, d: 4 }).toString()).toBe('{ "a":1 , "b":2,"d":4 }');
    expect(parse('{ }').with({ d: 4 }).toString()).toBe('{ "d":4}');
  });
});

describe('mentions', () => {
  it('never answers 0 for a word a key or string of the value contains (random values and spellings)', () => {
    const word = fc.constantFrom('cache_control', 'thinking', 'ab', 'x-anthropic-billing-header:');
    const text = fc.array(fc.constantFrom('cache_control', 'thinking', 'a', 'b', 'é', '🤖', '\n', '"', '\\', '_', ' '), { maxLength: 6 }).map((a) => a.join(''));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(text, tie('tree'), { maxKeys: 3 })),
    }));
    fc.assert(
      fc.property(tree, word, fc.boolean(), (v, w, python) => {
        const obj = { k: v };
        const n = parse(python ? pythonJsonDumps(obj) : JSON.stringify(obj)).mentions('k', w);
        const strings: string[] = [];
        const walk = (x: unknown): void => {
          if (typeof x === 'string') strings.push(x);
          else if (x && typeof x === 'object') {
            for (const [k2, v2] of Object.entries(x)) {
              strings.push(k2);
              walk(v2);
            }
          }
        };
        walk(v);
        const containing = strings.filter((s2) => s2.includes(w)).length;
        expect(n).toBeGreaterThanOrEqual(containing);
      }),
      { numRuns: 300 },
    );
  });

  it('counts the bytes, and gives up (Infinity) where an escaped ASCII character could spell the word', () => {
    const body = parse('{"m":[{"cache_control":{}},"thinking about cache_control"],"e":["cache\\u005fcontrol"],"u":"caf\\u00e9 \\u2019 \\n","q":"thinking\\\\u0041"}');
    expect(body.mentions('m', 'cache_control')).toBe(2);
    expect(body.mentions('m', 'thinking')).toBe(1);
    expect(body.mentions('e', 'cache_control')).toBe(Infinity);
    expect(body.mentions('u', 'cache_control')).toBe(0);
    // An escaped backslash before `u0041` escapes nothing printable.
    expect(body.mentions('q', 'cache_control')).toBe(0);
    expect(parse('{"s":"a\\/b"}').mentions('s', 'cache_control')).toBe(Infinity);
    expect(body.mentions('absent', 'thinking')).toBe(0);
  });
});
