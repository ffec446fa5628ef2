/**
 * Chat ⇄ Responses request conversion: fixtures for roles/system placement, images, tools and
 * tool results, options; the real Codex capture converts to a valid Chat request; and the
 * Chat → Responses → Chat round trip keeps everything both APIs express (property test).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/formats/convert.js';
import { convertRequest } from '../../../src/formats/convert.js';
import { ChatRequestSchema } from '../../../src/formats/models/chat.js';
import { ResponsesRequestSchema } from '../../../src/formats/models/responses.js';

const chatRequest: JsonObject = {
  model: 'gpt-4.1',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'developer', content: [{ type: 'text', text: 'Prefer metric units.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this image, and the weather in Paris and Oslo?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
      ],
    },
    {
      role: 'assistant',
      content: 'A cat. Checking the weather.',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '18°C, sunny' },
    { role: 'tool', tool_call_id: 'call_2', content: '[tool error] upstream weather service timed out' },
    { role: 'system', content: 'Reminder: answer in one line.' },
    { role: 'user', content: 'Thanks' },
  ],
  tools: [
    {
      type: 'function',
      function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    },
  ],
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
  parallel_tool_calls: true,
  max_completion_tokens: 512,
  reasoning_effort: 'low',
  response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
  stop: ['\n\n'],
  stream: true,
  stream_options: { include_usage: true },
  temperature: 0.2,
  user: 'user-123',
  seed: 7,
};

describe('chat → responses request', () => {
  it('places system/developer, images, tool calls and results, options', () => {
    const dropped: string[] = [];
    const out = convertRequest('chat', 'responses', chatRequest, { onDrop: (f) => dropped.push(f) });
    expect(ResponsesRequestSchema.safeParse(out).error).toBeUndefined();
    expect(out.instructions).toBe('You are terse.');
    expect(out.input).toEqual([
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Prefer metric units.' }] },
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'What is in this image, and the weather in Paris and Oslo?' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' },
        ],
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A cat. Checking the weather.', annotations: [] }] },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '18°C, sunny' },
      { type: 'function_call_output', call_id: 'call_2', output: '[tool error] upstream weather service timed out' },
      { type: 'message', role: 'system', content: 'Reminder: answer in one line.' },
      { type: 'message', role: 'user', content: 'Thanks' },
    ]);
    expect(out).toMatchObject({
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather by city', strict: false }],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: true,
      max_output_tokens: 512,
      reasoning: { effort: 'low' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      stream: true,
      temperature: 0.2,
      user: 'user-123',
    });
    expect(dropped.sort()).toEqual(['seed', 'stop']);
  });
});

describe('responses → chat request', () => {
  it('converts the real Codex capture into a valid Chat request', () => {
    const capture = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures/captures/codex-0.169.0-responses.json'), 'utf8')) as { body: JsonObject };
    const dropped: string[] = [];
    const out = convertRequest('responses', 'chat', capture.body, { onDrop: (f) => dropped.push(f) });
    expect(ChatRequestSchema.safeParse(out).error).toBeUndefined();
    const messages = out.messages as { role: string; content: unknown }[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'system', 'user', 'user']);
    expect(messages[3]?.content).toEqual([{ type: 'text', text: 'say hi' }]);
    const tools = out.tools as { type: string; function?: { name: string }; custom?: { name: string } }[];
    expect(tools.map((t) => t.function?.name ?? t.custom?.name)).toEqual(
      expect.arrayContaining(['exec_command', 'write_stdin', 'apply_patch', 'view_image']),
    );
    // Custom (grammar) tools become one-string-argument functions, grammar in the description.
    expect(tools.some((t) => t.type === 'custom')).toBe(false);
    const patch = tools.find((t) => t.function?.name === 'apply_patch') as unknown as { function: { parameters: { properties: { input: { description: string } }; required: string[] } } };
    expect(patch.function.parameters.required).toEqual(['input']);
    expect(patch.function.parameters.properties.input.description).toMatch(/lark grammar:\nstart: begin_patch/);
    expect(out).toMatchObject({ reasoning_effort: 'medium', verbosity: 'low', stream: true, stream_options: { include_usage: true }, tool_choice: 'auto', parallel_tool_calls: true });
    expect(dropped).toEqual(expect.arrayContaining(['tools[].type=tool_search', 'tools[].type=web_search', 'include', 'store', 'client_metadata']));
  });

  it('merges consecutive function_call items into one assistant message; outputs become tool messages', () => {
    const out = convertRequest('responses', 'chat', {
      model: 'gpt-5',
      instructions: 'Be brief.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'hi' }, { type: 'input_image', image_url: 'https://x/cat.png', detail: 'low' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAA' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking' }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'g', arguments: '{"a":1}' },
        { type: 'function_call_output', call_id: 'c1', output: 'one' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
      ],
      max_output_tokens: 100,
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' }, strict: true } },
    });
    expect(ChatRequestSchema.safeParse(out).error).toBeUndefined();
    expect(out.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'low' } }] },
      {
        role: 'assistant',
        content: 'Checking',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'g', arguments: '{"a":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'one' },
      { role: 'tool', tool_call_id: 'c2', content: 'two' },
    ]);
    expect(out).toMatchObject({ max_completion_tokens: 100, response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true } } });
  });
});

describe('round trip chat → responses → chat', () => {
  const text = fc.string({ minLength: 1, maxLength: 20 });
  const id = fc.stringMatching(/^call_[a-z0-9]{4,10}$/);
  const turn = fc.oneof(
    text.map((t) => [{ role: 'user', content: t }]),
    fc.tuple(text, fc.uniqueArray(id, { minLength: 1, maxLength: 3 })).map(([t, ids]) => [
      { role: 'assistant', content: t, tool_calls: ids.map((i) => ({ id: i, type: 'function', function: { name: 'tool', arguments: `{"q":${JSON.stringify(t)}}` } })) },
      ...ids.map((i) => ({ role: 'tool', tool_call_id: i, content: `result ${i}` })),
    ]),
  );

  it('keeps messages, tool call ids and options', () => {
    fc.assert(
      fc.property(text, fc.array(turn, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 4096 }), (system, turns, maxTokens) => {
        const original = {
          model: 'm',
          messages: [{ role: 'system', content: system }, ...turns.flat()],
          max_completion_tokens: maxTokens,
          tools: [{ type: 'function', function: { name: 'tool', parameters: { type: 'object', properties: {} }, strict: false } }],
          tool_choice: 'auto',
          reasoning_effort: 'high',
        };
        const back = convertRequest('responses', 'chat', convertRequest('chat', 'responses', original));
        expect(back).toEqual(original);
      }),
      { numRuns: 100 },
    );
  });
});
