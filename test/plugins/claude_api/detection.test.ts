/** Claude CLI detection without a real CLI: the fallback, stopping a run, health (the real CLI: detection.e2e.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { ClaudeDetector } from '../../../src/plugins/claude_api/detection.js';
import { FALLBACK_DETECTION } from '../../../src/plugins/claude_api/detection-fallback.js';
import { claudeApiTasks } from '../../../src/plugins/claude_api/tasks.js';
import { ClaudeApiConfigSchema } from '../../../src/plugins/claude_api/config.js';
import { processesRunning } from '../../helpers/processes.js';
import { startHarness } from './harness.js';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-claude-detect-test-'));
});
afterAll(async () => {
  await fs.rm(cacheDir, { recursive: true, force: true });
});

describe('ClaudeDetector', () => {
  it('falls back to the shipped data when the CLI is absent', async () => {
    const d = new ClaudeDetector({ cliPath: '/nonexistent/claude', cacheDir, timeoutMs: 5000, env: {} });
    const data = await d.refresh();
    expect(data).toBe(FALLBACK_DETECTION);
    expect(d.lastError).toMatch(/not found/);
  });

  it.runIf(process.platform === 'linux')('stop() kills a detection still running, and settled() waits until its CLI is gone', async () => {
    const cli = path.join(cacheDir, 'hanging-claude');
    await fs.writeFile(cli, '#!/bin/sh\nsleep 60\n', { mode: 0o755 });
    const d = new ClaudeDetector({ cliPath: cli, cacheDir, timeoutMs: 45_000, env: { PATH: process.env.PATH } });
    const done = d.refresh();
    await expect.poll(() => processesRunning(cli).length).toBeGreaterThan(0);
    d.stop();
    await d.settled();
    expect(processesRunning(cli)).toEqual([]);
    expect((await done).source).toBe('fallback');
  });

  it('registers an hourly re-detection task that skips its initial run', () => {
    const config = ClaudeApiConfigSchema.parse({});
    const [task] = claudeApiTasks(config, new ClaudeDetector({ cacheDir, timeoutMs: 1000, env: {} }));
    expect(task).toMatchObject({ name: 'claude_api_detection_refresh', intervalSeconds: 3600, skipInitialRun: true });
  });
});

describe('claude_api health with no CLI', () => {
  it('says warn and names the fallback', async () => {
    const h = await startHarness({ config: { cli_path: '/nonexistent/claude', detection: { enabled: true, cache_dir: cacheDir } } });
    try {
      // Detection runs in the background; startup did not wait for it.
      const health = async (): Promise<{ status: number; body: string }> => {
        const res = await request(`${h.proxy.url}/health`);
        return { status: res.statusCode, body: JSON.stringify(await res.body.json()) };
      };
      await expect.poll(async () => (await health()).body).toContain('Claude CLI not detected');
      const { status, body } = await health();
      expect(status).toBe(200);
      expect(body).toContain('"status":"warn"');
    } finally {
      await h.close();
    }
  });
});
