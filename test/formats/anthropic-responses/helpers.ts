/**
 * Test helpers for the Anthropic ⇄ Responses directions: fixture loading, async-iterable
 * plumbing, event-grammar checkers, and a loopback server that serves a converted stream as SSE
 * to the official SDK accumulators (@anthropic-ai/sdk `messages.stream().finalMessage()`,
 * openai `responses.stream().finalResponse()`), failing on any SDK warning.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { expect } from 'vitest';
import type { JsonObject, StreamEvent } from '../../../src/formats/convert.js';

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

function sse(events: StreamEvent[]): string {
  return events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join('');
}

interface SdkLogger {
  warn: (...a: unknown[]) => void;
  error: (...a: unknown[]) => void;
  info: (...a: unknown[]) => void;
  debug: (...a: unknown[]) => void;
}

async function serve<T>(events: StreamEvent[], run: (baseURL: string, logger: SdkLogger) => Promise<T>): Promise<T> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse(events));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const warnings: unknown[] = [];
  const logger: SdkLogger = { warn: (...a: unknown[]) => warnings.push(a), error: (...a: unknown[]) => warnings.push(a), info: () => {}, debug: () => {} };
  try {
    const result = await run(`http://127.0.0.1:${port}`, logger);
    expect(warnings).toEqual([]);
    return result;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Serves Anthropic events to `@anthropic-ai/sdk` and returns `finalMessage()`. */
export function anthropicSdkFinal(events: StreamEvent[]): Promise<Anthropic.Message> {
  return serve(events, async (baseURL, logger) => {
    const client = new Anthropic({ baseURL, apiKey: 'test', maxRetries: 0, logger, logLevel: 'warn' });
    const stream = client.messages.stream({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    return stream.finalMessage();
  });
}

/** Serves Responses events to `openai` and returns `finalResponse()`. */
export function openaiSdkFinal(events: StreamEvent[]): Promise<OpenAI.Responses.Response> {
  return serve(events, async (baseURL, logger) => {
    const client = new OpenAI({ baseURL, apiKey: 'test', maxRetries: 0, logger, logLevel: 'warn' });
    const stream = client.responses.stream({ model: 'm', input: 'hi' });
    return stream.finalResponse();
  });
}
