/** claude_api health states from local data only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claudeApiHealth } from '../../../src/plugins/claude_api/health.js';
import { ClaudeTokenSource } from '../../../src/plugins/claude_api/auth/token-source.js';
import { ClaudeApiConfigSchema } from '../../../src/plugins/claude_api/config.js';
import type { ClaudeDetector } from '../../../src/plugins/claude_api/detection.js';
import { FALLBACK_DETECTION } from '../../../src/plugins/claude_api/detection-fallback.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-claude-health-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const detected = { current: () => ({ ...FALLBACK_DETECTION, source: 'detected' }), lastError: null } as unknown as ClaudeDetector;

async function healthFor(content: unknown, extra: Record<string, unknown> = {}) {
  const file = path.join(dir, `${Math.random()}.json`);
  if (content !== undefined) await fs.writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  const tokens = new ClaudeTokenSource(ClaudeApiConfigSchema.parse({ credentials_file: file, ...extra }), undefined, {});
  return claudeApiHealth({ tokens, detector: detected, stats: {} });
}

describe('claudeApiHealth', () => {
  it('pass with a fresh token', async () => {
    const r = await healthFor({ claudeAiOauth: { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3600_000, subscriptionType: 'pro' } });
    expect(r.status).toBe('pass');
    expect(r.details).toMatchObject({ auth_type: 'oauth', subscription_type: 'pro' });
    expect(JSON.stringify(r)).not.toContain('"a"');
  });
  it('warn near expiry and when expired but refreshable', async () => {
    expect((await healthFor({ claudeAiOauth: { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 60_000 } })).status).toBe('warn');
    expect((await healthFor({ claudeAiOauth: { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() - 60_000 } })).status).toBe('warn');
  });
  it('fail without usable credentials', async () => {
    expect((await healthFor(undefined)).status).toBe('fail');
    expect((await healthFor({ claudeAiOauth: { accessToken: 'a', expiresAt: Date.now() - 60_000 } })).status).toBe('fail');
    const corrupt = await healthFor('{oops');
    expect(corrupt.status).toBe('fail');
    expect(corrupt.output).toContain('not valid JSON');
  });
  it('pass with an API key', async () => {
    expect((await healthFor(undefined, { api_key: 'sk-ant-x' })).status).toBe('pass');
  });
});
