import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stripBillingHeader, withoutBillingLines } from '../../../src/formats/shared/billing-header.js';

const capture = JSON.parse(readFileSync(new URL('../../fixtures/captures/claude-code-2.1.331-messages.json', import.meta.url), 'utf8')) as {
  body: { system: Array<{ type: string; text: string }> };
};

describe('billing header', () => {
  it("removes Claude Code's real billing block and keeps every other block as is", () => {
    const { system, changed } = stripBillingHeader(capture.body.system);
    expect(changed).toBe(true);
    const blocks = system as Array<{ text: string }>;
    expect(blocks).toHaveLength(capture.body.system.length - 1);
    expect(blocks[0]).toBe(capture.body.system[1]);
    expect(JSON.stringify(blocks)).not.toContain('x-anthropic-billing-header');
  });

  it('removes only the line inside a string system, and returns the same value when absent', () => {
    expect(withoutBillingLines('x-anthropic-billing-header: cc_version=1;\nBe terse.')).toBe('Be terse.');
    const system = [{ type: 'text', text: 'plain' }];
    const out = stripBillingHeader(system);
    expect(out.changed).toBe(false);
    expect(out.system).toBe(system);
    expect(stripBillingHeader(undefined)).toEqual({ system: undefined, changed: false });
  });
});
