/**
 * Converting a request whose tools are shared (repeated from an earlier turn) gives the same result
 * as converting a fresh copy, reports the same dropped fields, and reuses one converted list.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shareValue } from '../../src/core/json/shared-value.js';
import { convertRequest } from '../../src/formats/index.js';
import type { ApiFormat } from '../../src/core/adapter.js';

const capture = JSON.parse(readFileSync(new URL('../fixtures/captures/claude-code-2.1.331-interactive-messages.json', import.meta.url), 'utf8')).body;
// A server tool too, so something is dropped on the way to OpenAI formats.
const anthropic = { ...capture, tools: [...capture.tools, { type: 'web_search_20250305', name: 'web_search' }] };
const chat = convertRequest('anthropic', 'chat', anthropic, { model: 'm' });
const responses = convertRequest('anthropic', 'responses', anthropic, { model: 'm' });
const bodies: Record<ApiFormat, Record<string, unknown>> = { anthropic, chat, responses };
const FORMATS: ApiFormat[] = ['anthropic', 'chat', 'responses'];

function convert(from: ApiFormat, to: ApiFormat, body: Record<string, unknown>) {
  const drops: string[] = [];
  const out = convertRequest(from, to, body, { model: 'm', onDrop: (field) => drops.push(field) });
  return { out, drops };
}

describe('conversions of shared tools', () => {
  for (const from of FORMATS) {
    for (const to of FORMATS.filter((f) => f !== from)) {
      it(`${from} → ${to}: same result and drops as a fresh copy, one converted list`, () => {
        const fresh = structuredClone(bodies[from]);
        const shared = { ...structuredClone(bodies[from]), tools: shareValue(structuredClone(bodies[from].tools)) };
        const a = convert(from, to, fresh);
        const b = convert(from, to, shared);
        const c = convert(from, to, { ...shared, messages: [] });
        expect(b.out).toEqual(a.out);
        expect(b.drops).toEqual(a.drops);
        expect(c.drops).toEqual(convert(from, to, { ...fresh, messages: [] }).drops);
        expect(c.out.tools).toBe(b.out.tools);
        expect(Object.isFrozen(b.out.tools)).toBe(true);
      });
    }
  }
});
