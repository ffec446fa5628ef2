/**
 * Chat ⇄ Responses stream and response fixtures. Each converted stream must follow the target
 * grammar, be accepted by the official openai SDK accumulator without errors or warnings, and
 * agree with the non-stream conversion of the accumulated upstream response.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonObject, StreamEvent } from '../../../src/formats/convert.js';
import { accumulateStream, convertResponse, convertStream } from '../../../src/formats/convert.js';
import { ChatResponseSchema } from '../../../src/formats/models/chat.js';
import { ResponsesResponseSchema } from '../../../src/formats/models/responses.js';
import { collect, fromArray } from '../helpers/fixtures.js';
import { expectChatGrammar, expectResponsesGrammar } from '../helpers/grammar.js';
import { runChatJson, runChatStream, runResponsesJson, runResponsesStream, toSse } from '../helpers/sdk-harness.js';

const DIR = path.resolve(import.meta.dirname, '../../fixtures/formats/chat-responses');

interface Fixture {
  name: string;
  description: string;
  include_usage?: boolean;
  upstream_events: StreamEvent[];
  expected?: JsonObject;
  expected_error?: string;
}

function load(sub: string): Fixture[] {
  return fs
    .readdirSync(path.join(DIR, sub))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(fs.readFileSync(path.join(DIR, sub, f), 'utf8')) as Omit<Fixture, 'name'>) }));
}

describe('chat upstream → Responses client', () => {
  for (const fx of load('chat-upstream')) {
    it(`${fx.name}: ${fx.description}`, async () => {
      const events = await collect(convertStream('chat', 'responses', fromArray(fx.upstream_events)));
      expectResponsesGrammar(events);
      const sdk = await runResponsesStream(await toSse('responses', events));
      expect(sdk.error).toBeUndefined();
      expect(sdk.warnings).toEqual([]);
      expect(sdk.final).toMatchObject(fx.expected!);
      if (fx.expected?.status === 'failed') return;

      // Non-stream: the accumulated upstream completion converts to the same output.
      const completion = await accumulateStream('chat', fromArray(fx.upstream_events));
      const converted = convertResponse('chat', 'responses', completion);
      expect(ResponsesResponseSchema.safeParse(converted).error).toBeUndefined();
      expect(converted).toMatchObject(fx.expected!);
      expect((converted.output as JsonObject[]).map((i) => i.id)).toEqual(sdk.final!.output.map((i) => i.id));
      const json = await runResponsesJson({ body: converted });
      expect([json.error, json.warnings]).toEqual([undefined, []]);
      expect(json.final).toMatchObject(fx.expected!);
    });
  }
});

describe('responses upstream → Chat client', () => {
  for (const fx of load('responses-upstream')) {
    it(`${fx.name}: ${fx.description}`, async () => {
      const clientRequest = fx.include_usage ? { stream_options: { include_usage: true } } : {};
      const events = await collect(convertStream('responses', 'chat', fromArray(fx.upstream_events), { clientRequest }));
      expectChatGrammar(events, { usage: fx.include_usage });
      const sdk = await runChatStream(await toSse('chat', events), { includeUsage: fx.include_usage });
      expect(sdk.warnings).toEqual([]);
      if (fx.expected_error) {
        expect(sdk.error?.message).toContain(fx.expected_error);
        await expect(accumulateStream('responses', fromArray(fx.upstream_events))).rejects.toThrow(fx.expected_error);
        return;
      }
      expect(sdk.error).toBeUndefined();
      expect(sdk.final).toMatchObject(fx.expected!);

      const response = await accumulateStream('responses', fromArray(fx.upstream_events));
      const converted = convertResponse('responses', 'chat', response);
      expect(ChatResponseSchema.safeParse(converted).error).toBeUndefined();
      expect(converted).toMatchObject(fx.expected!);
      expect(converted.id).toBe(sdk.final?.id);
      const json = await runChatJson({ body: converted });
      expect([json.error, json.warnings]).toEqual([undefined, []]);
      expect(json.final).toMatchObject(fx.expected!);
    });
  }

  it('a failed non-stream response becomes an UpstreamError of the right kind', () => {
    const failed = { id: 'resp_x', object: 'response', created_at: 1, model: 'm', status: 'failed', output: [], error: { code: 'rate_limit_exceeded', message: 'Too many requests' } };
    expect(() => convertResponse('responses', 'chat', failed)).toThrow(expect.objectContaining({ kind: 'rate_limit', status: 429, message: 'Too many requests' }));
  });

  it('without include_usage no usage chunk is sent', async () => {
    const [fx] = load('responses-upstream').filter((f) => f.name === 'plain-text');
    const events = await collect(convertStream('responses', 'chat', fromArray(fx!.upstream_events)));
    expect(events.some((e) => (e.choices as unknown[]).length === 0)).toBe(false);
  });

  it('a stream that ends before the terminal event becomes an error object', async () => {
    const [fx] = load('responses-upstream').filter((f) => f.name === 'plain-text');
    const events = await collect(convertStream('responses', 'chat', fromArray(fx!.upstream_events.slice(0, 5))));
    expect(events.at(-1)).toMatchObject({ error: { message: expect.stringContaining('ended before') } });
  });
});
