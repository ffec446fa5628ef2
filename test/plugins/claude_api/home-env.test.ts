/**
 * The proxy finds Claude Code's credentials through the environment it was started with
 * (`startProxy({ env })`), never through the test runner's own HOME: an embedded or tested proxy
 * must not read the person's real ~/.claude.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';

let home: string;
let proxy: RunningProxy;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-claude-home-'));
  await fs.mkdir(path.join(home, '.claude'));
  const creds = { claudeAiOauth: { accessToken: 'sk-ant-oat-home', refreshToken: 'rt', expiresAt: Date.now() + 3_600_000, subscriptionType: 'max' } };
  await fs.writeFile(path.join(home, '.claude', '.credentials.json'), JSON.stringify(creds));
  proxy = await startProxy({
    env: { HOME: home },
    overrides: { server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['claude_api'], plugins: { claude_api: { cli_path: '/nonexistent/claude' } } },
  });
});

afterAll(async () => {
  await proxy?.close();
  await fs.rm(home, { recursive: true, force: true });
});

it('reads $HOME/.claude/.credentials.json of the proxy environment', async () => {
  const res = await fetch(`${proxy.url}/health`);
  const body = (await res.json()) as { checks: Record<string, Array<{ details?: { credentials_file?: string; subscription_type?: string } }>> };
  const check = body.checks['plugin:claude_api']?.[0];
  expect(check?.details?.credentials_file).toBe(path.join(home, '.claude', '.credentials.json'));
  expect(check?.details?.subscription_type).toBe('max');
});
