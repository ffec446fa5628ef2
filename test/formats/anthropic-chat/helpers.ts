/**
 * Test helpers for the Anthropic ⇄ Chat directions: fixture loading (the event-grammar checks are
 * shared, in `test/formats/helpers/grammar.ts`).
 * The SDK runs come from the shared harness (`test/formats/helpers/sdk-harness.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
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

