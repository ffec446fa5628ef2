/**
 * Encrypted reasoning survives a Chat client between a Responses upstream's turns: it goes out as
 * `reasoning_details` (stream and non-stream) and comes back as the reasoning item.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject, StreamEvent } from '../../../src/formats/convert.js';
import { accumulateStream, convertRequest, convertResponse, convertStream } from '../../../src/formats/convert.js';
import { ResponsesRequestSchema } from '../../../src/formats/models/responses.js';
import { collect, fromArray } from '../helpers/fixtures.js';
import { runChatStream, toSse } from '../helpers/sdk-harness.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/formats/chat-responses/responses-upstream/reasoning-text-tool-cached-usage.json');
const upstream = (JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { upstream_events: StreamEvent[] }).upstream_events;

const DETAILS = [
  { type: 'reasoning.summary', summary: '**Planning** Call the weather tool.', id: 'rs_67ccd2bf17f0819081ff3bb2cf6508e6', format: 'openai-responses-v1', index: 0 },
  { type: 'reasoning.encrypted', data: 'gAAAAABo-encrypted-opaque-blob==', id: 'rs_67ccd2bf17f0819081ff3bb2cf6508e6', format: 'openai-responses-v1', index: 0 },
];

describe('responses reasoning through a Chat client', () => {
  it('non-stream: reasoning_details carry the item id and encrypted_content', async () => {
    const chat = convertResponse('responses', 'chat', await accumulateStream('responses', fromArray(upstream)));
    const message = (chat.choices as { message: JsonObject }[])[0]?.message;
    expect(message?.reasoning_details).toEqual(DETAILS);
    expect(message?.reasoning_content).toBe('**Planning** Call the weather tool.');
  });

  it('stream: one reasoning_details delta when the reasoning item is done; the SDK keeps it', async () => {
    const chunks = await collect(convertStream('responses', 'chat', fromArray(upstream)));
    const withDetails = chunks.filter((c) => (c.choices as { delta: JsonObject }[])[0]?.delta.reasoning_details);
    expect(withDetails).toHaveLength(1);
    const sdk = await runChatStream(await toSse('chat', chunks));
    expect(sdk.error).toBeUndefined();
    expect((sdk.final?.choices[0]?.message as unknown as JsonObject).reasoning_details).toEqual(DETAILS);
  });

  it('the echoed assistant message turns back into the reasoning item, before its tool call', async () => {
    const chat = convertResponse('responses', 'chat', await accumulateStream('responses', fromArray(upstream)));
    const assistant = (chat.choices as { message: JsonObject }[])[0]!.message;
    const nextTurn = {
      model: 'gpt-5',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        assistant,
        { role: 'tool', tool_call_id: 'call_0bkxYDPrmHKHBWvwCIV6Y93P', content: '18°C' },
      ],
    };
    const dropped: string[] = [];
    const req = convertRequest('chat', 'responses', nextTurn, { onDrop: (f) => dropped.push(f) });
    expect(ResponsesRequestSchema.safeParse(req).error).toBeUndefined();
    const input = req.input as JsonObject[];
    expect(input.map((i) => i.type)).toEqual(['message', 'reasoning', 'message', 'function_call', 'function_call_output']);
    expect(input[1]).toEqual({
      type: 'reasoning',
      id: 'rs_67ccd2bf17f0819081ff3bb2cf6508e6',
      summary: [{ type: 'summary_text', text: '**Planning** Call the weather tool.' }],
      encrypted_content: 'gAAAAABo-encrypted-opaque-blob==',
    });
    expect(dropped).not.toContain('messages[].reasoning_content');
  });

  it('reasoning_details of another format (Anthropic signatures) are left alone', () => {
    const req = convertRequest('chat', 'responses', {
      model: 'm',
      messages: [{ role: 'assistant', content: 'x', reasoning_details: [{ type: 'reasoning.text', text: 't', signature: 's', format: 'anthropic-claude-v1' }] }],
    });
    expect((req.input as JsonObject[]).map((i) => i.type)).toEqual(['message']);
  });
});

describe('chat accumulator keeps reasoning_details', () => {
  it('appends entries across deltas', async () => {
    const chunks = await collect(convertStream('responses', 'chat', fromArray(upstream)));
    const completion = await accumulateStream('chat', fromArray(chunks));
    expect((completion.choices as { message: JsonObject }[])[0]?.message.reasoning_details).toEqual(DETAILS);
  });
});

describe('chat upstream reasoning text under either name', () => {
  it('`reasoning` (Ollama/OpenRouter) works like `reasoning_content`', async () => {
    const chunk = (delta: JsonObject, finish: string | null = null): StreamEvent => ({
      id: 'chatcmpl-r',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    const events = await collect(
      convertStream('chat', 'responses', fromArray([chunk({ role: 'assistant', reasoning: 'hmm ' }), chunk({ reasoning: 'ok' }), chunk({ content: 'Hi' }), chunk({}, 'stop')])),
    );
    const done = events.at(-1) as { response: { output: JsonObject[] } };
    expect(done.response.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'hmm ok' }] });
    const completion = await accumulateStream('chat', fromArray([chunk({ role: 'assistant', reasoning: 'hmm' }), chunk({}, 'stop')]));
    expect((completion.choices as { message: JsonObject }[])[0]?.message.reasoning_content).toBe('hmm');
  });
});
