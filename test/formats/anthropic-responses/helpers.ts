/**
 * Test helpers for the Anthropic ⇄ Responses directions: fixture loading, async-iterable
 * plumbing (the event-grammar checks are shared, in `test/formats/helpers/grammar.ts`), and thin wrappers
 * over the shared SDK harness (test/formats/helpers/sdk-harness.ts) that fail on any SDK warning.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Message } from '@anthropic-ai/sdk/resources/messages/messages';
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';
import { expect } from 'vitest';
import type { JsonObject, StreamEvent } from '../../../src/formats/convert.js';
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
