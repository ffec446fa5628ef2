/**
 * Test helpers for the Anthropic ⇄ Responses directions: fixture loading, async-iterable
 * plumbing, event-grammar checkers (plus schema validation of every event), and thin wrappers
 * over the shared SDK harness (test/formats/helpers/sdk-harness.ts) that fail on any SDK warning.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Message } from '@anthropic-ai/sdk/resources/messages/messages';
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';
import { expect } from 'vitest';
import type { JsonObject, StreamEvent } from '../../../src/formats/convert.js';
import { AnthropicStreamEventSchema, ResponsesStreamEventSchema } from '../../../src/formats/models/index.js';
import { runAnthropicStream, runResponsesStream, toSse } from '../helpers/sdk-harness.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/formats/anthropic-responses');

export interface StreamFixture {
  name: string;
  description: string;
  upstream_events: StreamEvent[];
  upstream_response?: JsonObject;
  client_request?: JsonObject;
  expected: JsonObject;
}

export function loadFixtures(dir: string): StreamFixture[] {
  const full = path.join(FIXTURES, dir);
  return fs
    .readdirSync(full)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(fs.readFileSync(path.join(full, f), 'utf8')) as Omit<StreamFixture, 'name'>) }));
}

export function readJson<T = JsonObject>(file: string): T {
  return JSON.parse(fs.readFileSync(path.resolve(FIXTURES, '..', '..', file), 'utf8')) as T;
}

export async function* fromArray<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Asserts the Anthropic stream grammar: message_start, blocks in order, message_delta, message_stop (or one error). */
export function expectAnthropicGrammar(events: StreamEvent[]): void {
  for (const ev of events) expect(AnthropicStreamEventSchema.safeParse(ev).success, JSON.stringify(ev)).toBe(true);
  expect(events[0]?.type).toBe('message_start');
  let open: number | null = null;
  let next = 0;
  let ended = false;
  for (const [i, ev] of events.slice(1).entries()) {
    expect(ended, `event after end: ${ev.type}`).toBe(false);
    switch (ev.type) {
      case 'content_block_start':
        expect(open).toBeNull();
        expect(ev.index).toBe(next);
        open = next++;
        break;
      case 'content_block_delta':
        expect(ev.index).toBe(open);
        break;
      case 'content_block_stop':
        expect(ev.index).toBe(open);
        open = null;
        break;
      case 'message_delta':
        expect(open).toBeNull();
        expect(events[i + 2]?.type).toBe('message_stop');
        break;
      case 'message_stop':
      case 'error':
        ended = true;
        break;
      default:
        throw new Error(`unexpected Anthropic event ${String(ev.type)}`);
    }
  }
  expect(ended).toBe(true);
}

/** Asserts the Responses stream grammar: created, in_progress, balanced items, increasing sequence numbers, one terminal event. */
export function expectResponsesGrammar(events: StreamEvent[]): void {
  for (const ev of events) expect(ResponsesStreamEventSchema.safeParse(ev).success, JSON.stringify(ev)).toBe(true);
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  expect(events[0]?.type).toBe('response.created');
  expect(events[1]?.type).toBe('response.in_progress');
  const terminal = events[events.length - 1];
  expect(['response.completed', 'response.incomplete', 'response.failed']).toContain(terminal?.type);
  let open: number | null = null;
  let next = 0;
  for (const ev of events.slice(2, -1)) {
    const type = String(ev.type);
    if (type === 'response.output_item.added') {
      expect(open).toBeNull();
      expect(ev.output_index).toBe(next);
      open = next++;
    } else if (type === 'response.output_item.done') {
      expect(ev.output_index).toBe(open);
      open = null;
    } else {
      expect(type.startsWith('response.'), type).toBe(true);
      expect(ev.output_index, type).toBe(open);
    }
  }
  if (terminal?.type !== 'response.failed') expect(open).toBeNull();
}

/** Serves Anthropic events (through the SSE writer) to `@anthropic-ai/sdk` and returns `finalMessage()`; no warnings allowed. */
export async function anthropicSdkFinal(events: StreamEvent[]): Promise<Message> {
  const run = await runAnthropicStream(await toSse('anthropic', events));
  expect(run.warnings).toEqual([]);
  if (run.error) throw run.error;
  return run.final as Message;
}

/** Serves Responses events (through the SSE writer) to `openai` and returns `finalResponse()`; no warnings allowed. */
export async function openaiSdkFinal(events: StreamEvent[]): Promise<OpenAIResponse> {
  const run = await runResponsesStream(await toSse('responses', events));
  expect(run.warnings).toEqual([]);
  if (run.error) throw run.error;
  return run.final as OpenAIResponse;
}
