/**
 * Test helpers for the Anthropic ⇄ Chat directions: fixture loading and event-grammar checkers.
 * The SDK runs come from the shared harness (`test/formats/helpers/sdk-harness.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { JsonObject, StreamEvent } from '../../../src/formats/convert.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/formats/anthropic-chat');

export interface ResponseFixture {
  name: string;
  description: string;
  client_request?: JsonObject;
  upstream_events?: StreamEvent[];
  upstream_chunks?: StreamEvent[];
  upstream_response?: JsonObject;
  expected: JsonObject;
  expected_error?: { type?: string; message: string };
}

export interface RequestFixture {
  name: string;
  description: string;
  opts?: { model?: string };
  input: JsonObject;
  expected: JsonObject;
  drops: string[];
}

function load<T>(dir: string): T[] {
  const full = path.join(FIXTURES, dir);
  return fs
    .readdirSync(full)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(fs.readFileSync(path.join(full, f), 'utf8')) as object) }) as T);
}

export const loadResponseFixtures = (dir: 'anthropic-to-chat' | 'chat-to-anthropic'): ResponseFixture[] => load<ResponseFixture>(dir);
export const loadRequestFixtures = (): RequestFixture[] => load<RequestFixture>('requests');

export function readCapture(name: string): JsonObject {
  const file = path.resolve(FIXTURES, '../../captures', name);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { body: JsonObject }).body;
}

/** Tool call arguments compared as JSON values (streamed and re-serialized whitespace differ). */
export function normalizeArgs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (k, v: unknown) => (k === 'arguments' && typeof v === 'string' ? JSON.parse(v) : v)) as T;
}

/** Anthropic grammar: one message_start, blocks opened/closed in order, message_delta then message_stop, or one error. */
export function expectAnthropicGrammar(events: StreamEvent[]): void {
  let open: number | null = null;
  let next = 0;
  let ended = false;
  events.forEach((ev, i) => {
    expect(ended, `event after end: ${String(ev.type)}`).toBe(false);
    if (i === 0 && ev.type !== 'error') expect(ev.type).toBe('message_start');
    switch (ev.type) {
      case 'message_start':
        expect(i).toBe(0);
        break;
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
        expect(events[i + 1]?.type).toBe('message_stop');
        break;
      case 'message_stop':
      case 'error':
        ended = true;
        break;
      default:
        throw new Error(`unexpected Anthropic event ${String(ev.type)}`);
    }
  });
  expect(ended).toBe(true);
}

/** Chat chunk grammar: same id/created/model throughout, role first, tool calls introduced with id+type+name. */
export function expectChatGrammar(events: StreamEvent[]): void {
  const chunks = events.filter((e) => e.error === undefined);
  const first = chunks[0] as JsonObject;
  for (const c of chunks) {
    expect(c.object).toBe('chat.completion.chunk');
    expect([c.id, c.created, c.model]).toEqual([first.id, first.created, first.model]);
  }
  const deltas = chunks.flatMap((c) => (c.choices as { delta: JsonObject }[]).map((ch) => ch.delta));
  expect(deltas[0]?.role).toBe('assistant');
  const seen = new Set<number>();
  for (const d of deltas) {
    for (const call of (d.tool_calls as { index: number; id?: string; type?: string; function: { name?: string } }[] | undefined) ?? []) {
      if (!seen.has(call.index)) {
        expect(call.id && call.type === 'function' && call.function.name, 'first chunk of a call names it').toBeTruthy();
        expect(call.index).toBe(seen.size);
        seen.add(call.index);
      }
    }
  }
  const errors = events.filter((e) => e.error !== undefined);
  if (errors.length) expect(events[events.length - 1]).toBe(errors[0]);
}
