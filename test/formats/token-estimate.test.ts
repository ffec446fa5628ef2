import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from '../../src/formats/token-estimate.js';

const capture = JSON.parse(readFileSync(new URL('../fixtures/captures/claude-code-2.1.331-messages.json', import.meta.url), 'utf8')) as { body: Record<string, unknown> };

describe('count_tokens estimate', () => {
  it("is in the right range for Claude Code's real request (49 KB of prompt and 12 tools)", () => {
    const n = estimateInputTokens(capture.body);
    expect(n).toBeGreaterThan(8_000);
    expect(n).toBeLessThan(20_000);
  });

  it('counts images by a fixed cost, not by base64 length', () => {
    const withImage = estimateInputTokens({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(400_000) } }] }] });
    expect(withImage).toBeLessThan(1_000);
  });
});
