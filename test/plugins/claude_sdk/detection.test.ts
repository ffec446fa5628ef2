/**
 * Finding the CLI (config, PATH, the SDK's bundled binary), the login state read from files, health
 * without a CLI, and shutdown during detection. Detection running the real CLI: detection.e2e.test.ts.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeDetectionService, findBundled, resolveCli } from '../../../src/plugins/claude_sdk/detection.js';
import { claudeSdkHealth } from '../../../src/plugins/claude_sdk/health.js';
import { readLoginState } from '../../../src/plugins/claude_sdk/login-state.js';
import { processesRunning } from '../../helpers/processes.js';
import { startSdkProxy, useCliDirs } from './harness.js';

const dirs = useCliDirs();

const stats = { sessions: 0, busy: 0, waiting: 0, max: 4 };

describe('resolveCli', () => {
  it('prefers cli_path, then PATH, then the bundled binary', () => {
    const bundled = findBundled();
    expect(bundled).toMatch(/claude-agent-sdk-.*\/claude$/);
    expect(resolveCli(bundled!, { PATH: dirs.binDir() })).toEqual({ path: bundled, source: 'config' });
    expect(resolveCli(undefined, { PATH: `/nonexistent${path.delimiter}${dirs.binDir()}` })).toEqual({ path: path.join(dirs.binDir(), 'claude'), source: 'path' });
    expect(resolveCli(undefined, { PATH: '/nonexistent' })).toEqual({ path: bundled, source: 'bundled' });
    expect(resolveCli('/no/such/claude', { PATH: dirs.binDir() })).toBeNull();
  });
});

describe('ClaudeDetectionService without running the CLI', () => {
  it('reads the login state from the files and variables the CLI reads, without running it', async () => {
    const clean = { ANTHROPIC_API_KEY: '', ANTHROPIC_AUTH_TOKEN: '', CLAUDE_CODE_OAUTH_TOKEN: '' };
    const state = (env: NodeJS.ProcessEnv) => readLoginState({ ...clean, ...env });
    const h = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-sdk-login-'));
    try {
      expect(await state({ HOME: h })).toEqual({ loggedIn: false, authMethod: 'none' });
      expect(await state({ HOME: h, CLAUDE_CODE_USE_BEDROCK: '1' })).toEqual({ loggedIn: true, authMethod: 'third_party' });
      expect(await state({ HOME: h, CLAUDE_CODE_USE_BEDROCK: '0' })).toMatchObject({ loggedIn: false });
      expect(await state({ HOME: h, CLAUDE_CODE_OAUTH_TOKEN: 't' })).toEqual({ loggedIn: true, authMethod: 'env:CLAUDE_CODE_OAUTH_TOKEN' });
      await fs.mkdir(path.join(h, '.claude'));
      await fs.writeFile(path.join(h, '.claude', 'settings.json'), '{"apiKeyHelper":"echo k"}');
      expect(await state({ HOME: h })).toEqual({ loggedIn: true, authMethod: 'api_key_helper' });
      await fs.writeFile(path.join(h, '.claude.json'), '{"primaryApiKey":"sk-ant-x"}');
      expect(await state({ HOME: h })).toEqual({ loggedIn: true, authMethod: 'api_key' });
      await fs.writeFile(path.join(h, '.claude', '.credentials.json'), '{"claudeAiOauth":{"accessToken":"a","refreshToken":"r","subscriptionType":"max"}}');
      expect(await state({ HOME: h })).toEqual({ loggedIn: true, authMethod: 'claude.ai', subscription: 'max' });
      // CLAUDE_CONFIG_DIR moves both files; a broken file is no login.
      const dir = path.join(h, 'cfg');
      await fs.mkdir(dir);
      await fs.writeFile(path.join(dir, '.credentials.json'), '{not json');
      expect(await state({ HOME: h, CLAUDE_CONFIG_DIR: dir })).toEqual({ loggedIn: false, authMethod: 'none' });
    } finally {
      await fs.rm(h, { recursive: true, force: true });
    }
  });

  it('no CLI → fail; detection pending → warn', async () => {
    const d = await new ClaudeDetectionService('/no/such/claude', {}).refresh();
    expect(d.cliPath).toBeNull();
    expect(claudeSdkHealth({ plugin: 'claude_sdk', detection: d, sessions: stats, running: 0, processes: [] }).status).toBe('fail');
    expect(claudeSdkHealth({ plugin: 'claude_sdk', detection: null, sessions: stats, running: 0, processes: [] }).status).toBe('warn');
  });
});

describe('the proxy\'s environment', () => {
  it('is where the plugin looks for the CLI and what it runs it with, not the process\'s', async () => {
    const bin = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-sdk-envbin-'));
    await fs.writeFile(path.join(bin, 'claude'), '#!/bin/sh\necho "7.7.7 (Claude Code)"\n', { mode: 0o755 });
    const p = await startSdkProxy({}, {}, { env: { PATH: bin } });
    try {
      await expect.poll(async () => (await p.health()).details).toMatchObject({ cli_source: 'path', version: '7.7.7', cli_path: path.join(bin, 'claude') });
    } finally {
      await p.close();
      await fs.rm(bin, { recursive: true, force: true });
    }
  });
});

describe('plugin without a CLI', () => {
  it('health fails, requests get a clear 503, startup info says how to fix it', async () => {
    const p = await startSdkProxy({ cli_path: '/no/such/claude' });
    try {
      await p.plugin.healthCheck(); // detection runs in the background; wait for it through a request
      const res = await fetch(`${p.base}/v1/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('/no/such/claude');
      const h = await p.health();
      expect(h.status).toBe('fail');
      expect(p.plugin.startupInfo().credentials?.ok).toBe(false);
      const models = (await (await fetch(`${p.base}/v1/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((m) => m.id)).toContain('claude-sonnet-4-5');
    } finally {
      await p.close();
    }
  });
});

describe.runIf(process.platform === 'linux')('shutdown', () => {
  it('kills a detection still running: no CLI it started outlives the plugin', async () => {
    // A CLI that hangs on `--version`, so detection is surely still running at shutdown.
    const cli = path.join(dirs.home(), 'hanging-claude');
    await fs.writeFile(cli, '#!/bin/sh\nsleep 60\n', { mode: 0o755 });
    const p = await startSdkProxy({ cli_path: cli });
    await expect.poll(() => processesRunning(cli).length).toBeGreaterThan(0);
    await p.plugin.shutdown();
    expect(processesRunning(cli)).toEqual([]);
    await p.close();
  });
});
