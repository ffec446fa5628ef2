/**
 * The body parser's repeated-parts path gives exactly what JSON.parse gives, whatever surrounds the
 * repeated bytes, and only hands out a shared copy when the bytes are that top-level value (or the
 * leading elements of that top-level array).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBodyParser } from '../../../src/core/http/body-parser.js';
import { ValidationError } from '../../../src/core/errors.js';

const capture = JSON.parse(readFileSync(new URL('../../fixtures/captures/claude-code-2.1.331-interactive-messages.json', import.meta.url), 'utf8')).body;
const TOOLS = capture.tools as unknown[];
const codex = JSON.parse(readFileSync(new URL('../../fixtures/captures/codex-0.169.0-responses.json', import.meta.url), 'utf8')).body;
const bytes = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

/** The parser gives what JSON.parse gives for `text`, or a ValidationError where JSON.parse throws. */
function expectSameAsJsonParse(parse: (b: Buffer) => Record<string, unknown>, text: string): void {
  let expected: unknown;
  try {
    expected = JSON.parse(text);
  } catch {
    expect(() => parse(Buffer.from(text))).toThrow(ValidationError);
    return;
  }
  expect(parse(Buffer.from(text))).toEqual(expected);
}

/** A parser that has seen Claude Code's request twice (so it keeps its tools, system and messages). */
function warmParser(): (b: Buffer) => Record<string, unknown> {
  const parse = jsonBodyParser();
  parse(bytes(capture));
  parse(bytes(capture));
  return parse;
}

describe('repeated parts in the body parser', () => {
  it('parses the third turn of a conversation to the same body, sharing one frozen tools list', () => {
    const parse = warmParser();
    const turn3 = { ...capture, messages: [...capture.messages, { role: 'user', content: 'and now?' }] };
    const a = parse(bytes(turn3));
    const b = parse(bytes(capture));
    expect(a).toEqual(turn3);
    expect(b).toEqual(capture);
    expect(a.tools).toBe(b.tools);
    expect(Object.isFrozen(a.tools)).toBe(true);
    expect(Object.isFrozen((a.tools as Array<{ input_schema: object }>)[0]!.input_schema)).toBe(true);
    // The rest of the body is the request's own, writable as always.
    expect(Object.isFrozen(a.messages)).toBe(false);
  });

  it('needs a second sighting and the exact bytes: a single request or differently spaced JSON is parsed in full', () => {
    const fresh = jsonBodyParser();
    expect(Object.isFrozen(fresh(bytes(capture)).tools)).toBe(false);

    const spaced = jsonBodyParser();
    const pretty = Buffer.from(JSON.stringify(capture, null, 1));
    for (let i = 0; i < 3; i++) {
      const body = spaced(pretty);
      expect(body).toEqual(capture);
      expect(Object.isFrozen(body.tools)).toBe(false);
    }
  });

  it('does not take a look-alike for the top-level tools', () => {
    const parse = warmParser();
    const other = [{ name: 'only_this', input_schema: { type: 'object' } }];
    // The same bytes as a tool_use input inside a message, the real tools elsewhere.
    const nested = { ...capture, tools: other, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'x', input: { tools: TOOLS } }] }] };
    expect(parse(bytes(nested))).toEqual(nested);
    // Duplicate keys: JSON.parse keeps the last one, and so must we.
    const dup = Buffer.from(`{"tools":${JSON.stringify(TOOLS)},"model":"m","messages":[],"tools":${JSON.stringify(other)},"pad":${JSON.stringify('x'.repeat(20_000))}}`);
    expect(parse(dup)).toEqual(JSON.parse(dup.toString()));
    // The tools JSON quoted in a string (escaped, so it can never match) stays a string.
    const quoted = { ...capture, messages: [{ role: 'user', content: `"tools":${JSON.stringify(TOOLS)}` }] };
    expect(parse(bytes(quoted))).toEqual(quoted);
  });

  it('still rejects a body that is broken elsewhere, with the usual message', () => {
    const parse = warmParser();
    const broken = Buffer.from(JSON.stringify(capture).replace('"max_tokens":', '"max_tokens" '));
    expect(() => parse(broken)).toThrow(ValidationError);
    expect(() => parse(broken)).toThrow(/not valid JSON/);
  });

  it('equals JSON.parse for random bodies around the repeated bytes (fast-check)', () => {
    const parse = warmParser();
    const toolsJson = JSON.stringify(TOOLS);
    const value = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));
    const piece = fc.oneof(value, fc.constant(toolsJson), fc.constant(`{"tools":${toolsJson}}`), fc.constant(`"tools":${toolsJson}`));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('tools', 'messages', 'x', 'tools'), piece), { minLength: 1, maxLength: 5 }), (fields) => {
        const text = `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
        expectSameAsJsonParse(parse, text);
      }),
      { numRuns: 300 },
    );
  });

  it('a growing conversation: each turn reuses the turns before it, and equals JSON.parse', () => {
    const parse = jsonBodyParser();
    let messages = capture.messages as unknown[];
    let previous: Record<string, unknown> | undefined;
    for (let turn = 0; turn < 6; turn++) {
      const body = { ...capture, messages };
      const parsed = parse(bytes(body));
      expect(parsed).toEqual(body);
      if (turn >= 2) {
        // From the third turn on, every earlier turn is the one shared, frozen copy.
        const kept = previous!.messages as unknown[];
        for (let i = 0; i < kept.length; i++) expect((parsed.messages as unknown[])[i]).toBe(kept[i]);
        expect(Object.isFrozen((parsed.messages as unknown[])[0])).toBe(true);
        expect(parsed.system).toBe(previous!.system);
      }
      previous = parsed;
      messages = [...messages, { role: 'assistant', content: [{ type: 'text', text: `answer ${turn} “✓”` }] }, { role: 'user', content: `question ${turn + 1}` }];
    }
  });

  it('a conversation edited in the middle: the unchanged turns before the edit are shared, the rest parsed', () => {
    const parse = jsonBodyParser();
    const long = [...(capture.messages as unknown[]), { role: 'assistant', content: 'a'.repeat(3000) }, { role: 'user', content: 'b'.repeat(3000) }];
    const body = { ...capture, messages: long };
    parse(bytes(body));
    const kept = parse(bytes(body)).messages as unknown[];
    const edited = { ...capture, messages: [long[0], long[1], { role: 'assistant', content: 'changed' }, long[3]] };
    const parsed = parse(bytes(edited));
    expect(parsed).toEqual(edited);
    const out = parsed.messages as unknown[];
    expect(out[0]).toBe(kept[0]);
    expect(out[1]).toBe(kept[1]);
    expect(out[3]).not.toBe(kept[3]);
  });

  it('Responses bodies: the Codex CLI input and its tools are shared from the third request on', () => {
    const parse = jsonBodyParser();
    parse(bytes(codex));
    const second = parse(bytes(codex));
    const next = { ...codex, input: [...codex.input, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'more' }] }] };
    const third = parse(bytes(next));
    expect(third).toEqual(next);
    expect((third.input as unknown[])[0]).toBe((second.input as unknown[])[0]);
    expect(third.tools).toBe(second.tools);
  });

  it('does not take conversation bytes nested elsewhere for the top-level conversation', () => {
    const parse = warmParser();
    const inner = capture.messages as unknown[];
    // The same bytes as `"messages":[...]` inside a tool input, a different top-level conversation.
    const nested = { ...capture, metadata: { messages: inner }, messages: [{ role: 'user', content: 'hi' }] };
    const parsed = parse(bytes(nested));
    expect(parsed).toEqual(nested);
    const dup = Buffer.from(`{"messages":${JSON.stringify(inner)},"model":"m","messages":[{"role":"user","content":"last wins"}],"pad":${JSON.stringify('x'.repeat(20_000))}}`);
    expect(parse(dup)).toEqual(JSON.parse(dup.toString()));
  });

  it('equals JSON.parse for random bodies around a repeated conversation (fast-check)', () => {
    const parse = warmParser();
    const list = capture.messages as unknown[];
    const whole = JSON.stringify(list);
    const firstOnly = JSON.stringify([list[0], list[1], 'x']);
    const value = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));
    const piece = fc.oneof(value, fc.constant(whole), fc.constant(firstOnly), fc.constant(`{"messages":${whole}}`), fc.constant(whole.slice(0, -1)), fc.constant(`[${whole}]`));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('messages', 'system', 'x', 'messages'), piece), { minLength: 1, maxLength: 5 }), (fields) => {
        // Padded past the size from which the parser looks for repeated parts.
        const text = `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')},"pad":"${'p'.repeat(8000)}"}`;
        expectSameAsJsonParse(parse, text);
      }),
      { numRuns: 300 },
    );
  });
});
