/**
 * Round-trip properties for the fields Anthropic and Responses both express.
 *
 * - Requests, Anthropic → Responses → Anthropic: system, mid-conversation system messages, text,
 *   images, tool_use / tool_result (string or blocks, is_error) are lossless.
 * - Reasoning along the path a multi-turn session really takes: a Responses reasoning item
 *   becomes a thinking block (response direction) and comes back as the same item when the client
 *   sends its history (request direction); an Anthropic thinking / redacted_thinking block survives
 *   the opposite trip. (Cross-vendor reasoning is dropped on purpose: no upstream can verify the
 *   other vendor's signature, so thinking is not part of the pure request round trip.)
 * - Responses, Anthropic message → Responses response → Anthropic message: content (text,
 *   tool_use, thinking with signature), stop reason and usage.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { direction as a2r } from '../../../src/formats/anthropic-to-responses/index.js';
import type { JsonObject } from '../../../src/formats/convert.js';
import { direction as r2a } from '../../../src/formats/responses-to-anthropic/index.js';

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.startsWith('[tool error]'));
const toolId = fc.stringMatching(/^toolu_[A-Za-z0-9]{6,12}$/);
const toolName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/);
const key = fc.stringMatching(/^[a-z][a-z_]{0,9}$/);
const toolInput = fc.dictionary(key, fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4 });

const textBlock = fc.record({ type: fc.constant('text'), text });
const imageBlock = fc.oneof(
  fc.record({
    type: fc.constant('image'),
    source: fc.record({
      type: fc.constant('base64'),
      media_type: fc.constantFrom('image/png', 'image/jpeg', 'image/gif', 'image/webp'),
      data: fc.base64String({ minLength: 4, maxLength: 40 }),
    }),
  }),
  fc.record({ type: fc.constant('image'), source: fc.record({ type: fc.constant('url'), url: fc.webUrl() }) }),
);
const userBlock = fc.oneof(textBlock, imageBlock);
const toolResultContent = fc.oneof(fc.string().filter((s) => !s.startsWith('[tool error]')), fc.array(userBlock, { maxLength: 3 }));

interface Exchange {
  user: JsonObject[];
  results: { content: unknown; error: boolean }[];
  assistant: { text: JsonObject[]; tools: { id: string; name: string; input: JsonObject }[] };
  systemAfter: string | null;
}

const exchange: fc.Arbitrary<Exchange> = fc.record({
  user: fc.array(userBlock, { minLength: 1, maxLength: 3 }),
  results: fc.array(fc.record({ content: toolResultContent, error: fc.boolean() }), { maxLength: 3 }),
  assistant: fc.record({
    text: fc.array(textBlock, { maxLength: 2 }),
    tools: fc.uniqueArray(fc.record({ id: toolId, name: toolName, input: toolInput }), { maxLength: 3, selector: (t) => t.id }),
  }),
  systemAfter: fc.option(text),
});

/** Builds a valid Anthropic conversation: every tool_use is answered in the next user turn. */
function buildMessages(exchanges: Exchange[]): JsonObject[] {
  const messages: JsonObject[] = [];
  let pending: string[] = [];
  for (const ex of exchanges) {
    const results = pending.map((id, i) => {
      const r = ex.results[i] ?? { content: 'ok', error: false };
      return { type: 'tool_result', tool_use_id: id, content: r.content, ...(r.error ? { is_error: true } : {}) };
    });
    messages.push({ role: 'user', content: [...results, ...ex.user] });
    const tools = ex.assistant.tools.map((t) => ({ type: 'tool_use', ...t }));
    const content = [...ex.assistant.text, ...tools];
    messages.push({ role: 'assistant', content: content.length ? content : [{ type: 'text', text: 'ok' }] });
    pending = tools.map((t) => t.id);
    if (ex.systemAfter !== null) messages.push({ role: 'system', content: [{ type: 'text', text: ex.systemAfter }] });
  }
  return messages;
}

describe('Anthropic → Responses → Anthropic request round trip', () => {
  it('is lossless on system, text, images, tool_use and tool_result', () => {
    fc.assert(
      fc.property(fc.option(text), fc.array(exchange, { minLength: 1, maxLength: 4 }), (system, exchanges) => {
        const original: JsonObject = { model: 'm', max_tokens: 1000, messages: buildMessages(exchanges) };
        if (system !== null) original.system = system;
        const back = r2a.request(a2r.request(structuredClone(original), {}), {});
        expect(back.messages).toEqual(original.messages);
        expect(back.system).toEqual(system === null ? undefined : [{ type: 'text', text: system }]);
        expect(back.max_tokens).toBe(1000);
      }),
      { numRuns: 200 },
    );
  });
});

const encrypted = fc.base64String({ minLength: 8, maxLength: 60 });
const reasoningItem = fc.record({
  type: fc.constant('reasoning'),
  id: fc.stringMatching(/^rs_[A-Za-z0-9]{4,20}$/),
  summary: fc.array(fc.record({ type: fc.constant('summary_text'), text }), { maxLength: 3 }),
  encrypted_content: encrypted,
});

describe('reasoning survives multi-turn', () => {
  it('Responses reasoning item → thinking block → the same reasoning item in the next request', () => {
    fc.assert(
      fc.property(reasoningItem, (item) => {
        const message = r2a.response({ id: 'resp_1', status: 'completed', output: [item], usage: null }, {});
        const history = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: message.content }] };
        const input = a2r.request(history, {}).input as JsonObject[];
        const joined = item.summary.map((s) => s.text).join('\n\n');
        expect(input[1]).toEqual({ ...item, summary: joined ? [{ type: 'summary_text', text: joined }] : [] });
      }),
    );
  });

  it('Anthropic thinking / redacted_thinking → reasoning item → the same block in the next request', () => {
    const block = fc.oneof(
      fc.record({ type: fc.constant('thinking'), thinking: fc.string({ maxLength: 40 }), signature: encrypted }),
      fc.record({ type: fc.constant('redacted_thinking'), data: encrypted }),
    );
    fc.assert(
      fc.property(block, text, (thinking, answer) => {
        const response = a2r.response({ id: 'msg_1', type: 'message', content: [thinking, { type: 'text', text: answer }], stop_reason: 'end_turn', usage: {} }, {});
        const next = r2a.request({ model: 'm', input: [{ role: 'user', content: 'q' }, ...(response.output as JsonObject[])] }, {});
        const messages = next.messages as { content: JsonObject[] }[];
        expect(messages[1]?.content).toEqual([thinking, { type: 'text', text: answer }]);
      }),
    );
  });
});

describe('Anthropic message → Responses response → Anthropic message', () => {
  it('keeps content, stop reason and usage', () => {
    const block = fc.oneof(
      textBlock,
      fc.record({ type: fc.constant('tool_use'), id: toolId, name: toolName, input: toolInput }),
      fc.record({ type: fc.constant('thinking'), thinking: fc.string({ maxLength: 30 }), signature: encrypted }),
    );
    const usage = fc.record({
      input_tokens: fc.nat(10000),
      output_tokens: fc.nat(10000),
      cache_read_input_tokens: fc.nat(10000),
      cache_creation_input_tokens: fc.constant(0),
    });
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 5 }), fc.constantFrom('end_turn', 'max_tokens'), usage, (content, stop, u) => {
        const stopReason = stop === 'end_turn' && content.some((b) => b.type === 'tool_use') ? 'tool_use' : stop;
        const original = { id: 'msg_abc', type: 'message', role: 'assistant', model: 'claude', content, stop_reason: stopReason, stop_sequence: null, usage: u };
        const back = r2a.response(a2r.response(original, {}), {});
        expect(back).toMatchObject({ id: 'msg_abc', content, stop_reason: stopReason });
        expect(back.usage).toMatchObject(u);
      }),
    );
  });
});
