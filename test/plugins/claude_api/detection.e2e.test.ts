/** Claude CLI detection against the real CLI: version, headers and system prompt captured, then cached. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClaudeDetector } from '../../../src/plugins/claude_api/detection.js';
import { CLAUDE_BIN } from '../../helpers/clis.js';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-claude-detect-test-'));
});
afterAll(async () => {
  await fs.rm(cacheDir, { recursive: true, force: true });
});

describe('ClaudeDetector with the real CLI', () => {
  it('captures version, headers and system prompt from the real CLI, then serves them from the cache', async () => {
    const d = new ClaudeDetector({ cliPath: CLAUDE_BIN, cacheDir, timeoutMs: 120_000, env: { PATH: process.env.PATH } });
    expect(d.current().source).toBe('fallback');
    const data = await d.refresh();
    expect(d.lastError).toBeNull();
    expect(data.source).toBe('detected');
    expect(data.version).toBe('2.1.331');
    expect(data.headers['user-agent']).toMatch(/^claude-cli\/2\.1\.331 /);
    expect(data.headers['x-app']).toBe('cli');
    expect(Object.keys(data.headers).some((k) => k.startsWith('x-stainless-'))).toBe(true);
    expect(data.headers['x-api-key']).toBeUndefined();
    expect(data.headers.authorization).toBeUndefined();
    expect(data.systemPrompt.length).toBeGreaterThan(0);
    expect(JSON.stringify(data.systemPrompt)).not.toContain('x-anthropic-billing-header');

    const files = await fs.readdir(cacheDir);
    expect(files).toContain('claude-cli-detection-2.1.331.json');
    const again = new ClaudeDetector({ cliPath: CLAUDE_BIN, cacheDir, timeoutMs: 120_000, env: { PATH: process.env.PATH } });
    const cached = await again.refresh();
    expect(cached.source).toBe('cache');
    expect(cached.headers).toEqual(data.headers);
  });

});
