/**
 * The native passthrough edits a body by replacing exactly the top-level values that change, and
 * nothing else: for random Messages bodies (fast-check) in the spellings clients use and an
 * adversarial set, what the fake upstream receives parses to JSON.parse(client body) with the
 * documented edits applied (a value the proxy re-serializes reads as JSON.stringify writes it), every
 * value no edit touched keeps its exact bytes, and a body no edit applies to arrives byte for byte.
 * Also the shape checks of what the passthrough reads (issue 14 items 8 and 10): a 400 naming the
 * field, in Anthropic's format, on every route that reaches the passthrough, nothing sent upstream.
 */
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JsonBody } from '../../../src/core/json/json-body.js';
import { prepareMessagesBody } from '../../../src/plugins/claude_api/request-body.js';
import { FALLBACK_DETECTION } from '../../../src/plugins/claude_api/detection-fallback.js';
import { pythonJsonDumps } from '../../../bench/lib/python-json.mjs';
import { startHarness, type Harness } from './harness.js';

type Obj = Record<string, unknown>;
const bodyOf = (bytes: Buffer): JsonBody => JsonBody.parse(bytes);
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.upstream.requests.length = 0;
});

const IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";
const BILLING = 'x-anthropic-billing-header: cc_version=2.1.331.f79; cc_entrypoint=cli;';
const OPTIONS = { injection: 'minimal' as const, detectedSystem: FALLBACK_DETECTION.systemPrompt, maxBreakpoints: 4 };

async function post(path: string, text: string | Buffer): Promise<{ status: number; text: string }> {
  const res = await request(`${h.proxy.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: text,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** The client body, as the upstream must read it: the edits applied, re-serialized values as JSON.stringify writes them. */
function expectedUpstream(parsed: Obj): { body: Obj; edited: Set<string> } {
  const prepared = prepareMessagesBody(parsed, OPTIONS).body;
  const edited = new Set(Object.keys(prepared).filter((k) => prepared[k] !== parsed[k]));
  const body: Obj = {};
  for (const k of Object.keys(prepared)) {
    Object.defineProperty(body, k, { value: edited.has(k) ? JSON.parse(JSON.stringify(prepared[k])) : parsed[k], enumerable: true, writable: true, configurable: true });
  }
  return { body, edited };
}

/** Send `text`, then check what the upstream got against the client body. */
async function expectExactEdits(path: string, text: string): Promise<void> {
  h.upstream.requests.length = 0;
  const res = await post(path, text);
  expect(res.status, res.text).toBeLessThan(500);
  const sent = h.upstream.requests.at(-1);
  expect(sent, `nothing reached the upstream for ${text.slice(0, 200)}`).toBeDefined();
  const wire = Buffer.from(text);
  const parsed = JSON.parse(wire.toString()) as Obj;
  const { body, edited } = expectedUpstream(parsed);
  expect(JSON.parse(sent!.raw.toString())).toEqual(body);
  if (edited.size === 0) {
    expect(sent!.raw.equals(wire), 'no edit applies: the same bytes').toBe(true);
    return;
  }
  const before = bodyOf(wire);
  const after = bodyOf(sent!.raw);
  for (const key of before.keys()) {
    if (edited.has(key)) continue;
    const [s1, e1] = before.range(key)!;
    const [s2, e2] = after.range(key)!;
    expect(sent!.raw.subarray(s2, e2).equals(wire.subarray(s1, e1)), `${key} kept its bytes`).toBe(true);
  }
}

// --- Random Messages bodies, with look-alikes of everything the edits look for. ---
const lookalike = fc.constantFrom(
  BILLING,
  `{"type":"text","text":"${BILLING}"}`,
  `prefix\n${BILLING}\nsuffix`,
  'cache_control',
  '"cache_control":{"type":"ephemeral"}',
  'thinking',
  'ccproxy-cr1:',
  IDENTITY,
  '"system":[]',
);
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }), lookalike, fc.constantFrom('é “quoted” 🤖 \u2028', 'tab\there\\', '__NUM__'));
const cacheControl = fc.constant({ type: 'ephemeral' });
const textBlock = fc.record({ type: fc.constant('text'), text, cache_control: cacheControl }, { requiredKeys: ['type', 'text'] });
const systemValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }), lookalike),
  fc.array(textBlock, { maxLength: 4 }),
  fc.array(textBlock, { maxLength: 3 }).map((rest) => [{ type: 'text', text: BILLING }, { type: 'text', text: IDENTITY, cache_control: { type: 'ephemeral' } }, ...rest]),
  fc.array(textBlock, { maxLength: 2 }).map((rest) => [{ type: 'text', text: `${IDENTITY} More.` }, ...rest]),
);
const signature = fc.constantFrom('EqQBCkYIARgCIkB-real==', 'ccproxy-cr1:', 'ccproxy-rs1:rs_1:enc');
const block = fc.oneof(
  textBlock,
  fc.record({ type: fc.constant('thinking'), thinking: text, signature }),
  fc.record({ type: fc.constant('redacted_thinking'), data: signature }),
  fc.record({ type: fc.constant('tool_use'), id: fc.constant('toolu_1'), name: fc.constant('Bash'), input: fc.dictionary(text, fc.oneof(text, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 3 }) }),
  fc.jsonValue({ maxDepth: 2 }),
);
const message = fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.oneof(text, fc.array(block, { maxLength: 4 })) });
const tool = fc.record(
  {
    name: fc.constantFrom('Bash', 'Read'),
    description: text,
    input_schema: fc.record({ type: fc.constant('object'), properties: fc.dictionary(text, fc.record({ type: fc.constant('string'), description: text })) }),
    cache_control: cacheControl,
  },
  { requiredKeys: ['name', 'input_schema'] },
);
const messagesBody = fc
  .record(
    {
      model: fc.constantFrom('claude-sonnet-4-6', 'claude-opus-4-7'),
      max_tokens: fc.integer({ min: 1, max: 64000 }),
      system: systemValue,
      messages: fc.array(message, { maxLength: 5 }),
      tools: fc.array(tool, { maxLength: 3 }),
      metadata: fc.record({ user_id: text }),
      stream: fc.constant(false),
      extra: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: ['model', 'max_tokens', 'messages'] },
  )
  .map((b) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)));

/** Escape some ASCII characters of every key and string as \u00XX, as a client may. */
function escapeAscii(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString && c === '\\') {
      out += c + json[++i]!;
      continue;
    }
    if (c === '"') inString = !inString;
    out += inString && 'xs_ct'.includes(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c;
  }
  return out;
}

/** The spellings clients send; `__NUM__` strings become numbers JSON.stringify would not write. */
const SPELLINGS: Record<string, (b: Obj) => string> = {
  compact: (b) => JSON.stringify(b),
  indented: (b) => JSON.stringify(b, null, 2),
  python: (b) => pythonJsonDumps(b),
  'escaped ASCII': (b) => escapeAscii(JSON.stringify(b)),
  'repeated keys': (b) => `{"system":"decoy","messages":"decoy",${JSON.stringify(b).slice(1)}`,
};
const numbers = ['1e400', '-0', '1.0', '1E2', '-1.5e-7', '123456789012345678901234567890'];
const withNumbers = (text: string): string => {
  let k = 0;
  return text.replace(/"__NUM__"(?!\s*:)/g, () => numbers[k++ % numbers.length]!);
};

describe('claude_api passthrough: exact edits', () => {
  it('random bodies in every spelling: the edits applied, every other value byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(messagesBody, fc.constantFrom(...Object.keys(SPELLINGS)), fc.constantFrom('/claude/v1/messages', '/v1/messages'), async (body, spelling, path) => {
        await expectExactEdits(path, withNumbers(SPELLINGS[spelling]!(body)));
      }),
      { numRuns: 250 },
    );
  });

  it('an escaped billing block with a look-alike in a message or a tool schema: only the real one goes', async () => {
    // The look-alike is the real block as JSON.stringify writes it, followed by a comma: what a
    // search of the raw bytes for the serialized block would cut.
    const lookalike = '{"type":"text","text":"x-anthropic-billing-header: cc_version=1;"}';
    const head = `{"model":"claude-sonnet-4-6","max_tokens":10,"system":[{"type":"text","text":"\\u0078-anthropic-billing-header: cc_version=1;"},{"type":"text","text":${JSON.stringify(IDENTITY)}}],`;
    const inMessage = `${head}"messages":[{"role":"user","content":[${lookalike},{"type":"text","text":"q"}]}]}`;
    const inSchema = `${head}"messages":[{"role":"user","content":"q"}],"tools":[{"name":"t","input_schema":{"type":"object","properties":{"p":${lookalike},"r":{"type":"string"}}}}]}`;
    for (const raw of [inMessage, inSchema]) {
      await expectExactEdits('/claude/v1/messages', raw);
      const sent = h.upstream.requests.at(-1)!.raw.toString();
      expect(JSON.parse(sent).system).toEqual([{ type: 'text', text: IDENTITY }]);
      expect(sent).toContain(lookalike);
    }
  });

  it('foreign thinking, numbers JSON.stringify would respell and a cache_control cap in one body', async () => {
    const cc = '{"type":"ephemeral"}';
    const raw =
      `{"model":"m","max_tokens":1,"n":1e400,"z":-0,"system":[{"type":"text","text":${JSON.stringify(IDENTITY)},"cache_control":${cc}}],` +
      `"messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":${cc}}]},` +
      `{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"ccproxy-cr1:"},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"big":1e400,"neg":-0,"f":1.0}}]},` +
      `{"role":"user","content":[{"type":"text","text":"b","cache_control":${cc}},{"type":"text","text":"c","cache_control":${cc}},{"type":"text","text":"d","cache_control":${cc}}]}]}`;
    await expectExactEdits('/claude/v1/messages', raw);
    const sent = h.upstream.requests.at(-1)!.raw.toString();
    // Untouched top-level values keep their spelling; the re-serialized conversation is JSON.stringify's.
    expect(sent).toContain('"n":1e400,"z":-0,');
    expect(sent.match(/cache_control/g)).toHaveLength(4);
    expect(sent).not.toContain('ccproxy-cr1');
  });

  it("Claude Code's request, compact and as Python sends it: only system changes", async () => {
    const { readFileSync } = await import('node:fs');
    const capture = JSON.parse(readFileSync(new URL('../../fixtures/captures/claude-code-2.1.331-interactive-messages.json', import.meta.url), 'utf8')).body as Obj;
    for (const text of [JSON.stringify({ ...capture, stream: false }), pythonJsonDumps({ ...capture, stream: false })]) {
      await expectExactEdits('/claude/v1/messages', text);
      const sent = bodyOf(h.upstream.requests.at(-1)!.raw);
      expect((sent.get('system') as Array<{ text: string }>)[0]!.text).toBe(IDENTITY);
      expect(sent.bytes.length).toBeLessThan(Buffer.byteLength(text));
    }
  });

  it('count_tokens gets the same exact edits', async () => {
    const raw = `{"model":"m", "messages":[{"role":"user","content":"hi"}], "system":[{"type":"text","text":"${BILLING}"},{"type":"text","text":${JSON.stringify(IDENTITY)}}]}`;
    const res = await post('/claude/v1/messages/count_tokens', raw);
    expect(res.status).toBe(200);
    expect(h.upstream.requests.at(-1)!.raw.toString()).toBe(`{"model":"m", "messages":[{"role":"user","content":"hi"}], "system":[{"type":"text","text":${JSON.stringify(IDENTITY)}}]}`);
  });
});

describe('claude_api passthrough: what it reads must have the right shape', () => {
  const cases: Array<[string, string]> = [
    ['{"model":"m","max_tokens":1,"messages":[],"system":[null]}', 'system.0'],
    ['{"model":"m","max_tokens":1,"messages":[],"system":[{"type":"text","text":"ok"},[]]}', 'system.1'],
    ['{"model":"m","max_tokens":1,"messages":[],"system":5}', 'system'],
    ['{"model":"m","max_tokens":1,"messages":[],"system":{"text":"x"}}', 'system'],
    ['{"model":5,"max_tokens":1,"messages":[]}', 'model'],
    ['{"model":null,"max_tokens":1,"messages":[]}', 'model'],
    ['{"model":"m","max_tokens":1,"messages":[],"stream":"yes"}', 'stream'],
  ];
  for (const path of ['/claude/v1/messages', '/claude/v1/messages/count_tokens', '/v1/messages', '/v1/messages/count_tokens']) {
    it(`${path}: a 400 naming the field, nothing sent upstream`, async () => {
      for (const [body, field] of cases) {
        if (path.startsWith('/v1/') && field === 'model') continue; // root routes need a model to route (their own 400)
        const res = await post(path, body);
        expect(res.status, `${body} → ${res.text}`).toBe(400);
        const error = JSON.parse(res.text) as { type: string; error: { type: string; message: string } };
        expect(error.type).toBe('error');
        expect(error.error.type).toBe('invalid_request_error');
        expect(error.error.message.startsWith(`${field}: `), error.error.message).toBe(true);
      }
      expect(h.upstream.requests).toHaveLength(0);
    });
  }
});
