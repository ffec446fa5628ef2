import { promises as fs } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { CodexDetectionService } from '../../../src/plugins/codex/detection.js';
import { basePromptOf, extractDetection } from '../../../src/plugins/codex/detection-run.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { CodexConfigSchema } from '../../../src/plugins/codex/config.js';

const CODEX = resolve('node_modules/.bin/codex');
const capture = JSON.parse(readFileSync(new URL('../../fixtures/captures/codex-0.169.0-responses.json', import.meta.url), 'utf8')) as {
  method: string; url: string; headers: Record<string, string>; body: Record<string, unknown>;
};
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(join(tmpdir(), 'ccproxy-codex-detect-test-'));
  dirs.push(d);
  return d;
}
const logger = pino({ level: 'silent' });

describe('codex detection', () => {
  it('reads the base prompt from the first developer message when instructions are absent', () => {
    const d = extractDetection(capture, '0.169.0');
    expect(d.basePrompt).toBe(FALLBACK_CODEX_BASE_PROMPT);
    expect(d.headers).toEqual({ originator: 'codex_exec', 'user-agent': capture.headers['user-agent'] });
    expect(d.model).toBe('gpt-5.5');
    expect(basePromptOf({ instructions: 'INSTR', input: [] })).toBe('INSTR');
  });

  it('runs the real Codex CLI against a loopback capture server and caches the result per version', async () => {
    const cacheDir = await tempDir();
    const config = CodexConfigSchema.parse({ cli_path: CODEX, detection: { timeout_seconds: 30 } });
    const service = new CodexDetectionService({ config, cacheDir, logger });
    expect(service.current().source).toBe('fallback');
    const started = Date.now();
    service.start();
    await service.settled();
    const d = service.current();
    expect(d.reason).toBeUndefined();
    expect(d.source).toBe('detected');
    expect(d.version).toBe('0.169.0');
    expect(d.headers.originator).toBeTruthy();
    expect(d.headers['user-agent']).toContain('0.169.0');
    expect(d.basePrompt.startsWith('You are Codex')).toBe(true);
    // The shipped fallback is exactly what this CLI sends for the default model.
    expect(d.model).toBe('gpt-5.5');
    expect(d.basePrompt).toBe(FALLBACK_CODEX_BASE_PROMPT);
    expect(Date.now() - started).toBeLessThan(30_000);
    const cached = JSON.parse(await fs.readFile(join(cacheDir, 'codex-detection-gpt-5.5-0.169.0.json'), 'utf8')) as { basePrompt: string };
    expect(cached.basePrompt).toBe(d.basePrompt);

    const again = new CodexDetectionService({ config, cacheDir, logger });
    await again.refresh();
    expect(again.current().source).toBe('cache');
  });

  it('captures the base prompt of another mapped model in the background', async () => {
    const cacheDir = await tempDir();
    const config = CodexConfigSchema.parse({ cli_path: CODEX });
    const service = new CodexDetectionService({ config, cacheDir, logger });
    await service.refresh();
    // First request for gpt-6.1-sol: default data now, its own capture starts.
    expect(service.forModel('gpt-6.1-sol').model).toBe('gpt-5.5');
    await service.settled();
    const own = service.forModel('gpt-6.1-sol');
    expect(own.model).toBe('gpt-6.1-sol');
    expect(own.basePrompt.startsWith('You are Codex')).toBe(true);
    expect(own.basePrompt).not.toBe(FALLBACK_CODEX_BASE_PROMPT);
    expect(service.forModel('gpt-5.5').basePrompt).toBe(FALLBACK_CODEX_BASE_PROMPT);
  });

  it('falls back to shipped data when the CLI is missing', async () => {
    const config = CodexConfigSchema.parse({ cli_path: '/nonexistent/codex' });
    const service = new CodexDetectionService({ config, cacheDir: await tempDir(), logger });
    expect(await service.refresh()).toBe(false);
    expect(service.current()).toMatchObject({ source: 'fallback', basePrompt: FALLBACK_CODEX_BASE_PROMPT });
    expect(service.current().reason).toMatch(/not found/);
  });
});
