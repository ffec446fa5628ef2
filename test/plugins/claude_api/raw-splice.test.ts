/** The billing-block splice gives exactly what re-serializing would, and refuses anything unprovable. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareMessagesBody } from '../../../src/plugins/claude_api/request-body.js';
import { spliceRemovedSystemBlocks } from '../../../src/plugins/claude_api/raw-splice.js';
import { jsonBodyParser } from '../../../src/core/http/body-parser.js';
import { sharedRangeIn } from '../../../src/core/json/shared-value.js';

const load = (file: string): { body: Record<string, unknown> } =>
  JSON.parse(readFileSync(new URL(`../../fixtures/captures/${file}`, import.meta.url), 'utf8')) as { body: Record<string, unknown> };
const capture = load('claude-code-2.1.331-messages.json');
/** `claude -p` and the interactive session send different bodies (entry point, identity, tools). */
const CAPTURES = ['claude-code-2.1.331-messages.json', 'claude-code-2.1.331-interactive-messages.json'];
const opts = { injection: 'none' as const, maxBreakpoints: 4 };

function spliceOf(body: Record<string, unknown>, raw = Buffer.from(JSON.stringify(body))): Buffer | null {
  const prepared = prepareMessagesBody(body, opts);
  return spliceRemovedSystemBlocks(raw, body.system, prepared.body.system);
}

describe('spliceRemovedSystemBlocks', () => {
  it.each(CAPTURES)('the real Claude Code body (%s): same JSON as re-serializing, billing block gone', (file) => {
    const body = load(file).body;
    const prepared = prepareMessagesBody(body, opts);
    expect(prepared.edits).toEqual(['billing-header']);
    const spliced = spliceOf(body)!;
    expect(spliced).not.toBeNull();
    expect(JSON.parse(spliced.toString('utf8'))).toEqual(prepared.body);
    expect(spliced.toString('utf8')).toBe(JSON.stringify(prepared.body));
    expect(spliced.includes('x-anthropic-billing-header')).toBe(false);
  });

  it('a system the parser shared from an earlier turn: the same splice, found within its bytes', () => {
    const body = load('claude-code-2.1.331-interactive-messages.json').body;
    const raw = Buffer.from(JSON.stringify(body));
    const parse = jsonBodyParser();
    parse(raw);
    parse(raw);
    const shared = parse(raw);
    expect(sharedRangeIn(raw, shared.system)).toBeDefined();
    expect(spliceOf(shared, raw)!.equals(spliceOf(body)!)).toBe(true);
    // The marker quoted in a message lies outside the system's bytes and does not count there.
    const quoted = { ...body, messages: [{ role: 'user', content: [{ type: 'text', text: 'x-anthropic-billing-header: quoted' }] }] };
    const quotedRaw = Buffer.from(JSON.stringify(quoted));
    const again = parse(quotedRaw);
    expect(sharedRangeIn(quotedRaw, again.system)).toBeDefined();
    const spliced = spliceOf(again, quotedRaw)!;
    expect(spliced.toString()).toBe(JSON.stringify(prepareMessagesBody(quoted, opts).body));
  });

  it('refuses when the marker also appears elsewhere (e.g. quoted in a message)', () => {
    const body = { ...capture.body, messages: [{ role: 'user', content: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.331.471; cc_entrypoint=sdk-cli;' }] }] };
    expect(spliceOf(body)).toBeNull();
  });

  it('refuses a pretty-printed client body and a rewritten (not removed) block', () => {
    const body = capture.body;
    expect(spliceOf(body, Buffer.from(JSON.stringify(body, null, 2)))).toBeNull();
    const mixed = { ...body, system: [{ type: 'text', text: 'x-anthropic-billing-header: a=1;\nkeep this line' }, ...(body.system as unknown[]).slice(1)] };
    expect(spliceOf(mixed)).toBeNull();
  });

  it('refuses when the removed block is the last element (no trailing comma to cut)', () => {
    const body = { model: 'm', max_tokens: 1, messages: [], system: [{ type: 'text', text: 'hi' }, { type: 'text', text: 'x-anthropic-billing-header: a=1;' }] };
    expect(spliceOf(body)).toBeNull();
  });
});
