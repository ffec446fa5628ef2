/** Codex detection without running the CLI: reading a capture, and the fallback when the CLI is missing (the real CLI: detection.e2e.test.ts). */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CodexDetectionService } from '../../../src/plugins/codex/detection.js';
import { basePromptOf, extractDetection } from '../../../src/plugins/codex/detection-run.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { CodexConfigSchema } from '../../../src/plugins/codex/config.js';
import { useTempDirs } from '../../helpers/temp-dirs.js';

const capture = JSON.parse(readFileSync(new URL('../../fixtures/captures/codex-0.169.0-responses.json', import.meta.url), 'utf8')) as {
  method: string; url: string; headers: Record<string, string>; body: Record<string, unknown>;
};
const tempDir = useTempDirs('ccproxy-codex-detect-test-');
const logger = pino({ level: 'silent' });

describe('codex detection', () => {
  it('reads the base prompt from the first developer message when instructions are absent', () => {
    const d = extractDetection(capture, '0.169.0');
    expect(d.basePrompt).toBe(FALLBACK_CODEX_BASE_PROMPT);
    expect(d.headers).toEqual({ originator: 'codex_exec', 'user-agent': capture.headers['user-agent'] });
    expect(d.model).toBe('gpt-5.5');
    expect(basePromptOf({ instructions: 'INSTR', input: [] })).toBe('INSTR');
  });

  it('falls back to shipped data when the CLI is missing', async () => {
    const config = CodexConfigSchema.parse({ cli_path: '/nonexistent/codex' });
    const service = new CodexDetectionService({ config, cacheDir: await tempDir(), logger, env: {} });
    expect(await service.refresh()).toBe(false);
    expect(service.current()).toMatchObject({ source: 'fallback', basePrompt: FALLBACK_CODEX_BASE_PROMPT });
    expect(service.current().reason).toMatch(/not found/);
  });
});
