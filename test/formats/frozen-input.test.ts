/**
 * Nothing between the body parser and the upstream may write to a request body: a request's parsed
 * body (`JsonBody.value()`, `get()`) is one object for the whole request, which a 401 retry or a
 * root-route fallback to the next provider converts again. Every request conversion and every
 * plugin's request edit runs here on deep-frozen copies of the fixture and captured bodies: a
 * write would throw (ESM is strict mode), and the result must equal the one from a writable copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertRequest } from '../../src/formats/index.js';
import { prepareMessagesBody } from '../../src/plugins/claude_api/request-body.js';
import { shapeCodexRequest } from '../../src/plugins/codex/upstream-request.js';
import { buildPrompt } from '../../src/plugins/claude_sdk/prompt.js';
import type { ApiFormat } from '../../src/core/adapter.js';

type Body = Record<string, unknown>;
const fixtures = new URL('../fixtures/', import.meta.url);
const read = (path: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(path, fixtures), 'utf8'));
const requests = (dir: string, prefix: string): Body[] =>
  readdirSync(new URL(dir, fixtures)).filter((f) => f.startsWith(prefix)).map((f) => read(`${dir}/${f}`).input as Body);

const bodies: Record<ApiFormat, Body[]> = {
  anthropic: [
    read('captures/claude-code-2.1.331-interactive-messages.json').body as Body,
    read('captures/claude-code-2.1.331-messages.json').body as Body,
    ...requests('formats/anthropic-chat/requests', 'a2c-'),
    ...requests('formats/anthropic-responses/requests', 'a2r-'),
  ],
  chat: requests('formats/anthropic-chat/requests', 'c2a-'),
  responses: [read('captures/codex-0.169.0-responses.json').body as Body, ...requests('formats/anthropic-responses/requests', 'r2a-')],
};
// Each body in the other formats too, so every direction sees tools, images, thinking and tool turns.
for (const from of ['anthropic', 'chat', 'responses'] as const) {
  for (const body of [...bodies[from]]) {
    for (const to of ['anthropic', 'chat', 'responses'] as const) {
      if (to !== from) bodies[to].push(convertRequest(from, to, structuredClone(body), { model: 'm' }));
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
const frozen = <T>(body: T): T => deepFreeze(structuredClone(body));
const FORMATS: ApiFormat[] = ['anthropic', 'chat', 'responses'];

describe('request handling never writes to the (frozen) request body', () => {
  for (const from of FORMATS) {
    it(`${from} → every other format: same result from a frozen body (${bodies[from].length} bodies)`, () => {
      for (const body of bodies[from]) {
        for (const to of FORMATS.filter((f) => f !== from)) {
          expect(convertRequest(from, to, frozen(body), { model: 'm' })).toEqual(convertRequest(from, to, structuredClone(body), { model: 'm' }));
        }
      }
    });
  }

  it('claude_api: the body edits (billing line, identity, foreign thinking, breakpoint cap) on frozen bodies', () => {
    for (const body of bodies.anthropic) {
      for (const injection of ['none', 'minimal', 'full'] as const) {
        const opts = { injection, maxBreakpoints: 1, detectedSystem: [{ type: 'text' as const, text: 'You are Claude Code, detected.' }] };
        expect(prepareMessagesBody(frozen(body), opts).body).toEqual(prepareMessagesBody(structuredClone(body), opts).body);
      }
    }
  });

  it('codex: shaping a Responses body for the ChatGPT backend, on frozen bodies', () => {
    const opts = { basePrompt: 'You are Codex, BASE.', model: 'gpt-5.5', effort: 'medium' as const, reasoningSummary: 'auto' as const, sessionHint: 's' };
    for (const body of bodies.responses) {
      expect(shapeCodexRequest(frozen(body), opts).body).toEqual(shapeCodexRequest(structuredClone(body), opts).body);
    }
  });

  it('claude_sdk: building the CLI prompt from a frozen conversation', () => {
    for (const body of bodies.anthropic) {
      for (const resumed of [false, true]) expect(buildPrompt(frozen(body), resumed)).toEqual(buildPrompt(structuredClone(body), resumed));
    }
  });
});
