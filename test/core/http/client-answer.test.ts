/**
 * jsonAnswer / streamAnswer: an upstream's Chat answer reaches an Anthropic client converted, its
 * usage on the request's meter (in the upstream's API, with the model asked for), and an answer
 * that is not a Chat completion is the 502 the client's API renders, not a 500.
 */
import { describe, expect, it } from 'vitest';
import type { AdapterRequest, ApiFormat } from '../../../src/core/adapter.js';
import { jsonAnswer, streamAnswer } from '../../../src/core/http/client-answer.js';
import { UpstreamUnreadableError } from '../../../src/core/errors.js';
import { JsonBody } from '../../../src/core/json/json-body.js';
import { UsageMeter, type StreamEvent } from '../../../src/formats/index.js';

function request(api: ApiFormat): { req: AdapterRequest; meters: UsageMeter[] } {
  const meters: UsageMeter[] = [];
  const observer = {
    upstreamResponse: () => {},
    meter: (format: ApiFormat, model?: string) => {
      meters.push(new UsageMeter(format, model));
      return meters.at(-1)!;
    },
  };
  return { req: { api, body: JsonBody.of({}), headers: {}, requestId: 'req_1', observer } as unknown as AdapterRequest, meters };
}

const completion = {
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'acme-large',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
};

async function* chunks(): AsyncIterable<StreamEvent> {
  const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'acme-large' };
  yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }] };
  yield { ...base, choices: [{ index: 0, delta: { content: 'lo.' }, finish_reason: 'stop' }] };
  yield { ...base, choices: [], usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } };
}

describe('jsonAnswer', () => {
  it("converts the upstream's answer to the client's API and meters it in the upstream's", () => {
    const { req, meters } = request('anthropic');
    const res = jsonAnswer(req, 'chat', completion, { model: 'acme-large' });
    expect(res).toMatchObject({ kind: 'json', status: 200, body: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] } });
    expect(meters.map((m) => [m.api, m.model, m.usage?.outputTokens])).toEqual([['chat', 'acme-large', 2]]);
  });

  it.each([
    ['a body that is not a JSON object', 'chat', null],
    ['an array', 'chat', [completion]],
    ['a completion without an id', 'anthropic', { choices: [{ message: { content: 42 } }] }],
  ] as const)('%s is a 502 for a %s client', (_name, api, answer) => {
    const { req } = request(api);
    expect(() => jsonAnswer(req, 'chat', answer)).toThrow(UpstreamUnreadableError);
  });
});

describe('streamAnswer', () => {
  it("serializes the converted stream as the client's SSE and meters the upstream's events", async () => {
    const { req, meters } = request('anthropic');
    const res = streamAnswer(req, 'chat', chunks(), { model: 'acme-large' });
    let sse = '';
    for await (const part of res.events) sse += String(part);
    expect(res).toMatchObject({ kind: 'stream', status: 200 });
    expect(sse).toMatch(/^event: message_start\n/);
    expect(sse).toContain('"text":"Hel"');
    expect(sse).toContain('event: message_stop');
    expect(meters.map((m) => [m.api, m.model, m.usage?.outputTokens])).toEqual([['chat', 'acme-large', 2]]);
  });
});
