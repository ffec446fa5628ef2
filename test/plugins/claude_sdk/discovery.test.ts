/**
 * The built-in loader discovers claude_sdk from src/plugins, mounts it under /claude/sdk and
 * registers its scheduled tasks; startup is not delayed by CLI detection.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';

let proxy: RunningProxy;
let home: string;
beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-sdk-disc-'));
  proxy = await startProxy({
    env: { HOME: home },
    cwd: home,
    overrides: {
      server: { port: 0 },
      logging: { level: 'silent' },
      enabled_plugins: ['claude_sdk'],
      plugins: { claude_sdk: { env: { HOME: home, ANTHROPIC_API_KEY: 'sk-dummy', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } } },
    },
  });
});
afterAll(async () => {
  await proxy?.close();
  await fs.rm(home, { recursive: true, force: true });
});

describe('claude_sdk discovery', () => {
  it('is listed active with its prefix and serves /claude/sdk/v1/models', async () => {
    const plugins = (await (await fetch(`${proxy.url}/plugins`)).json()) as unknown;
    const entry = JSON.stringify(plugins);
    expect(entry).toContain('claude_sdk');
    expect(entry).toContain('/claude/sdk');
    const models = await fetch(`${proxy.url}/claude/sdk/v1/models`);
    expect(models.status).toBe(200);
  });

  it('registers the detection refresh and session cleanup tasks', async () => {
    const names = JSON.stringify(await (await fetch(`${proxy.url}/plugins`)).json());
    expect(names).toContain('claude_sdk_detection_refresh');
    expect(names).toContain('claude_sdk_session_cleanup');
  });
});
