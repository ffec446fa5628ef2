/**
 * A Responses client's `custom` tool (Codex's apply_patch) on a Chat upstream: sent as a function
 * with one string `input`, answered as a function call, returned to the client as a
 * custom_tool_call with the raw input — streamed incrementally and non-stream alike.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject, StreamEvent } from '../../../src/formats/convert.js';
import { convertRequest, convertResponse, convertStream } from '../../../src/formats/convert.js';
import { collect, fromArray } from '../helpers/fixtures.js';
import { expectResponsesGrammar } from '../helpers/grammar.js';
import { runResponsesStream, toSse } from '../helpers/sdk-harness.js';

const PATCH = '*** Begin Patch\n*** Add File: hello.txt\n+Hello "world" \\o/\n*** End Patch';
const clientRequest: JsonObject = {
  model: 'gpt-5',
  input: [
    { role: 'user', content: 'add hello.txt' },
    { type: 'custom_tool_call', call_id: 'call_prev', name: 'apply_patch', input: 'earlier patch' },
    { type: 'custom_tool_call_output', call_id: 'call_prev', output: 'Done' },
  ],
  tools: [{ type: 'custom', name: 'apply_patch', description: 'Edit files', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } }],
  tool_choice: { type: 'custom', name: 'apply_patch' },
  stream: true,
};

const args = JSON.stringify({ input: PATCH });
const chunk = (delta: JsonObject, finish: string | null = null): StreamEvent => ({
  id: 'chatcmpl-c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});
// Argument pieces cut inside escapes and the key, as real upstreams do.
const pieces = [args.slice(0, 5), args.slice(5, 30), args.slice(30, 61), args.slice(61)];
const upstream = [
  chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_p1', type: 'function', function: { name: 'apply_patch', arguments: '' } }] }),
  ...pieces.map((p) => chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] })),
  chunk({}, 'tool_calls'),
];

describe('custom tools through a Chat upstream', () => {
  it('request: tool, tool_choice and earlier custom calls become function shapes', () => {
    const out = convertRequest('responses', 'chat', clientRequest);
    expect(out.tools).toEqual([
      {
        type: 'function',
        function: { name: 'apply_patch', description: 'Edit files', parameters: expect.objectContaining({ required: ['input'] }) },
      },
    ]);
    expect(out.tool_choice).toEqual({ type: 'function', function: { name: 'apply_patch' } });
    expect((out.messages as JsonObject[])[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_prev', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"earlier patch"}' } }],
    });
  });

  it('stream: function call → custom_tool_call with the raw input, decoded as it arrives', async () => {
    const events = await collect(convertStream('chat', 'responses', fromArray(upstream), { clientRequest }));
    expectResponsesGrammar(events);
    const deltas = events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => e.delta as string);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(PATCH);
    const sdk = await runResponsesStream(await toSse('responses', events));
    expect([sdk.error, sdk.warnings]).toEqual([undefined, []]);
    expect(sdk.final?.output).toMatchObject([{ type: 'custom_tool_call', call_id: 'call_p1', name: 'apply_patch', input: PATCH }]);
  });

  it('non-stream: the same item', () => {
    const completion = {
      id: 'chatcmpl-c1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_p1', type: 'function', function: { name: 'apply_patch', arguments: args } }] }, finish_reason: 'tool_calls' }],
    };
    const out = convertResponse('chat', 'responses', completion, { clientRequest });
    expect(out.output).toMatchObject([{ type: 'custom_tool_call', call_id: 'call_p1', name: 'apply_patch', input: PATCH }]);
  });
});
