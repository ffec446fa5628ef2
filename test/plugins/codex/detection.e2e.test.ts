/** Codex detection with the real Codex CLI against a loopback capture server: capture, cache, per-model capture. */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CodexDetectionService } from '../../../src/plugins/codex/detection.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { CodexConfigSchema } from '../../../src/plugins/codex/config.js';
import { CODEX_BIN } from '../../helpers/clis.js';
import { useTempDirs } from '../../helpers/temp-dirs.js';

const tempDir = useTempDirs('ccproxy-codex-detect-test-');
const logger = pino({ level: 'silent' });

describe('codex detection with the real CLI', () => {
  it('runs the real Codex CLI against a loopback capture server and caches the result per version', async () => {
    const cacheDir = await tempDir();
    const config = CodexConfigSchema.parse({ cli_path: CODEX_BIN, detection: { timeout_seconds: 120 } });
    const service = new CodexDetectionService({ config, cacheDir, logger, env: { PATH: process.env.PATH } });
    expect(service.current().source).toBe('fallback');
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
    const cached = JSON.parse(await fs.readFile(join(cacheDir, 'codex-detection-gpt-5.5-0.169.0.json'), 'utf8')) as { basePrompt: string };
    expect(cached.basePrompt).toBe(d.basePrompt);

    const again = new CodexDetectionService({ config, cacheDir, logger, env: { PATH: process.env.PATH } });
    await again.refresh();
    expect(again.current().source).toBe('cache');
  });

  it('captures the base prompt of another mapped model in the background', async () => {
    const cacheDir = await tempDir();
    const config = CodexConfigSchema.parse({ cli_path: CODEX_BIN });
    const service = new CodexDetectionService({ config, cacheDir, logger, env: { PATH: process.env.PATH } });
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

});
