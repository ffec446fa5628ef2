/**
 * Property: an Anthropic request → Chat → Anthropic comes back unchanged on the fields both APIs
 * express: system text, user text and images (base64 and url), assistant text, tool_use (ids,
 * names, inputs), tool_result (string content, is_error) with several results per turn, tools.
 * Known lossy spots are kept out of the generator and documented in the converters: several
 * assistant text blocks merge into one, tool_result blocks/images flatten (Chat tool messages are
 * text only), thinking is not carried in requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { direction as anthropicToChat } from '../../../src/formats/anthropic-to-chat/index.js';
import { direction as chatToAnthropic } from '../../../src/formats/chat-to-anthropic/index.js';
import type { JsonObject } from '../../../src/formats/convert.js';
import { ChatRequestSchema } from '../../../src/formats/models/chat.js';

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((t) => !t.startsWith('[tool error]'));
const textBlock = text.map((t) => ({ type: 'text', text: t }));
const imageBlock = fc.oneof(
  fc.record({ mt: fc.constantFrom('image/png', 'image/jpeg', 'image/gif', 'image/webp'), data: fc.base64String({ minLength: 4, maxLength: 24 }) }).map(({ mt, data }) => ({
    type: 'image',
    source: { type: 'base64', media_type: mt, data },
  })),
  fc.webUrl().map((url) => ({ type: 'image', source: { type: 'url', url } })),
);
const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__');
const input = fc.dictionary(key, fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean()), { maxKeys: 3 });
const toolName = fc.constantFrom('read_file', 'exec_command', 'search');
const call = fc.record({
  name: toolName,
  input,
  result: fc.string({ maxLength: 30 }).filter((t) => !t.startsWith('[tool error]')),
  isError: fc.boolean(),
});
const exchange = fc.record({
  user: fc.array(fc.oneof(textBlock, imageBlock), { maxLength: 3 }),
  assistantText: fc.option(text, { nil: undefined }),
  calls: fc.array(call, { maxLength: 3 }),
});
type Exchange = typeof exchange extends fc.Arbitrary<infer T> ? T : never;

function buildRequest(system: string | undefined, exchanges: Exchange[], withTools: boolean): JsonObject {
  const messages: JsonObject[] = [];
  let pending: JsonObject[] = [];
  let n = 0;
  for (const ex of exchanges) {
    const user = [...pending, ...ex.user];
    messages.push({ role: 'user', content: user.length ? user : [{ type: 'text', text: 'go' }] });
    const ids = ex.calls.map(() => `toolu_${n++}`);
    const assistant: JsonObject[] = [];
    if (ex.assistantText !== undefined || !ex.calls.length) assistant.push({ type: 'text', text: ex.assistantText ?? 'ok' });
    ex.calls.forEach((c, i) => assistant.push({ type: 'tool_use', id: ids[i], name: c.name, input: c.input }));
    messages.push({ role: 'assistant', content: assistant });
    pending = ex.calls.map((c, i) => ({ type: 'tool_result', tool_use_id: ids[i], content: c.result, ...(c.isError ? { is_error: true } : {}) }));
  }
  if (pending.length) messages.push({ role: 'user', content: pending });
  const body: JsonObject = { model: 'claude-opus-4-6', max_tokens: 1024, messages };
  if (system !== undefined) body.system = [{ type: 'text', text: system }];
  if (withTools) {
    body.tools = ['read_file', 'exec_command', 'search'].map((name) => ({
      name,
      input_schema: { type: 'object', properties: { x: { type: 'string' } } },
      description: `the ${name} tool`,
    }));
  }
  return body;
}

describe('Anthropic → Chat → Anthropic round trip', () => {
  it('keeps system, text, images, tool_use and tool_result', () => {
    fc.assert(
      fc.property(fc.option(text, { nil: undefined }), fc.array(exchange, { minLength: 1, maxLength: 4 }), fc.boolean(), (system, exchanges, withTools) => {
        const original = buildRequest(system, exchanges, withTools);
        const chat = anthropicToChat.request(original, {});
        expect(ChatRequestSchema.safeParse(chat).success).toBe(true);
        const back = chatToAnthropic.request(chat, {});
        expect(back).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });
});
