/**
 * Claude Code CLI detection with the real binary (the one the Agent SDK ships): version, login
 * state, the health states that follow, a home left untouched, and the refresh task.
 */
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ClaudeDetectionService, findBundled } from '../../../src/plugins/claude_sdk/detection.js';
import { claudeSdkHealth } from '../../../src/plugins/claude_sdk/health.js';
import { SessionPool } from '../../../src/plugins/claude_sdk/sessions.js';
import { detectionRefreshTask, sessionCleanupTask } from '../../../src/plugins/claude_sdk/tasks.js';
import { useCliDirs } from './harness.js';

const dirs = useCliDirs();

const stats = { sessions: 0, busy: 0, waiting: 0, max: 4 };

describe('ClaudeDetectionService', () => {
  it('reports version and an API key from env as logged in', async () => {
    const d = await new ClaudeDetectionService(undefined, { HOME: dirs.home(), ANTHROPIC_API_KEY: 'sk-dummy', PATH: dirs.binDir() }).refresh();
    expect(d).toMatchObject({ source: 'path', version: '2.1.331', loggedIn: true, authMethod: 'env:ANTHROPIC_API_KEY' });
    const h = claudeSdkHealth({ plugin: 'claude_sdk', detection: d, sessions: stats, running: 0, processes: [] });
    expect(h.status).toBe('pass');
    expect(h.version).toBe('2.1.331');
  });

  it('without a key or login: logged out → warn; the home it looked at is left as it was', async () => {
    const svc = new ClaudeDetectionService(findBundled()!, { HOME: dirs.home(), DISABLE_TELEMETRY: '1', ANTHROPIC_API_KEY: '', ANTHROPIC_AUTH_TOKEN: '', CLAUDE_CODE_OAUTH_TOKEN: '' });
    const [a, b] = await Promise.all([svc.refresh(), svc.refresh()]); // joined, one detection
    expect(a).toBe(b);
    expect(a).toMatchObject({ source: 'config', loggedIn: false, authMethod: 'none' });
    const h = claudeSdkHealth({ plugin: 'claude_sdk', detection: a, sessions: stats, running: 0, processes: [], lastError: { message: 'boom', at: 'now' } });
    expect(h.status).toBe('warn');
    expect(h.output).toContain('not logged in');
    expect(h.details?.last_error).toEqual({ message: 'boom', at: 'now' });
    // `claude auth status` would have written .claude.json and backups here.
    expect(await fs.readdir(dirs.home())).toEqual([]);
  });
});

describe('tasks', () => {
  it('detection refresh skips its initial run and refreshes; cleanup sweeps', async () => {
    const svc = new ClaudeDetectionService(undefined, { HOME: dirs.home(), ANTHROPIC_API_KEY: 'k', PATH: dirs.binDir() });
    const t = detectionRefreshTask('claude_sdk', 3600, svc);
    expect(t).toMatchObject({ name: 'claude_sdk_detection_refresh', intervalSeconds: 3600, skipInitialRun: true });
    expect(await t.run(new AbortController().signal)).toBe(true);
    expect(svc.detection?.version).toBe('2.1.331');
    let now = 0;
    const pool = new SessionPool(4, 10, 'p', () => now);
    (await pool.acquire('s')).release();
    now = 100;
    const c = sessionCleanupTask('claude_sdk', 60, pool);
    await c.run(new AbortController().signal);
    expect(pool.stats().sessions).toBe(0);
  });
});
