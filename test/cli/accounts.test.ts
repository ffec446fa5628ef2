/**
 * `ccproxy accounts` (the built CLI) against a running proxy with two Claude accounts configured as
 * `[[plugins.claude_api.accounts]]` tables, one cooling down; and `auth login|logout claude
 * --account` storing an account under the data dir (0600), never in the Claude CLI's own file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import pino from 'pino';
import { runCli, sandbox, type Sandbox } from './run-cli.js';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import { FakeAnthropicUpstream, text } from '../fakes/anthropic-upstream.js';
import { FakeOAuthServer } from '../fakes/oauth-server.js';
import { FakeOpenAICompatible } from '../fakes/openai-compatible.js';
import { keyName } from '../../src/plugins/openai/config.js';
import { credentials } from '../plugins/claude_api/harness.js';
import { claudeAuthCommands } from '../../src/plugins/claude_api/auth/commands.js';
import { ClaudeApiConfigSchema } from '../../src/plugins/claude_api/config.js';
import { SettingsSchema } from '../../src/core/config/schema.js';
import type { AuthCommandContext } from '../../src/core/plugin.js';

const TOKEN_A = 'sk-ant-oat01-cli-account-a';
const TOKEN_B = 'sk-ant-oat01-cli-account-b';
const OPENAI_KEYS = ['sk-cli-openai-key-one', 'sk-cli-openai-key-two'];

let box: Sandbox;
let upstream: FakeAnthropicUpstream;
let oauth: FakeOAuthServer;
let openai: FakeOpenAICompatible;
let proxy: RunningProxy;
let configFile: string;

beforeAll(async () => {
  box = await sandbox();
  upstream = await new FakeAnthropicUpstream().start();
  oauth = await new FakeOAuthServer().start();
  openai = await new FakeOpenAICompatible({ apiKey: OPENAI_KEYS[0] }).start();
  openai.extraKeys.add(OPENAI_KEYS[1]!);
  for (const [n, t] of [['a', TOKEN_A], ['b', TOKEN_B]] as const) {
    await fs.writeFile(path.join(box.dir, `${n}.json`), JSON.stringify(credentials({ accessToken: t, subscriptionType: n === 'a' ? 'max' : 'pro' })), { mode: 0o600 });
    upstream.acceptedTokens.add(t);
  }
  configFile = path.join(box.dir, 'ccproxy.toml');
  await fs.writeFile(configFile, [
    'enabled_plugins = ["claude_api", "openai"]',
    '[plugins.openai]',
    `base_url = "${openai.baseUrl}"`,
    `api_keys = ${JSON.stringify(OPENAI_KEYS)}`,
    '[plugins.claude_api]',
    `base_url = "${upstream.url}"`,
    'strategy = "fill_first"',
    '[plugins.claude_api.detection]',
    'enabled = false',
    '[[plugins.claude_api.accounts]]',
    'name = "a"',
    `credentials_file = "${path.join(box.dir, 'a.json')}"`,
    '[[plugins.claude_api.accounts]]',
    'name = "b"',
    `credentials_file = "${path.join(box.dir, 'b.json')}"`,
    'weight = 2',
    '',
  ].join('\n'));
  proxy = await startProxy({ configFile, env: box.env, overrides: { server: { port: 0 }, logging: { level: 'silent' } } });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  await oauth?.close();
  await openai?.close();
  await box?.cleanup();
});

describe('ccproxy accounts', () => {
  it('lists each account with plan, expiry and live state (one cooling down), never a token', async () => {
    upstream.script = (r) => (r.headers.authorization === `Bearer ${TOKEN_A}`
      ? { kind: 'error', status: 429, type: 'rate_limit_error', message: 'limited', retryAfter: '600' }
      : text('ok'));
    const res = await request(`${proxy.url}/claude/v1/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    // The request's tokens are counted once it completed (just after its last byte went out).
    await expect.poll(async () => {
      const doc = (await (await request(`${proxy.url}/health`)).body.json()) as { checks: Record<string, Array<{ details: { accounts: Array<{ name: string; tokens: number }> } }>> };
      return doc.checks['plugin:claude_api']![0]!.details.accounts.find((x) => x.name === 'b')!.tokens;
    }).toBeGreaterThan(0);

    const out = await runCli(['--config', configFile, 'accounts', '--url', proxy.url], box);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^PROVIDER\s+ACCOUNT\s+PLAN\s+TOKEN EXPIRES\s+STATE\s+REQUESTS\s+TOKENS/);
    const a = lines.find((l) => /^claude_api\s+a\s/.test(l))!;
    const b = lines.find((l) => /^claude_api\s+b\s/.test(l))!;
    expect(a).toMatch(/max\s+in \d+ min\s+cooling down until \d{4}-/);
    // B served one request: it and its tokens (input + output, as the upstream reported) count in its window.
    const [, requests, tokens] = /pro\s+in \d+ min\s+ready\s+(\d+)\s+(\d+)$/.exec(b) ?? [];
    expect(requests).toBe('1');
    expect(Number(tokens)).toBeGreaterThan(0);
    // openai keys: listed per instance from the running proxy, by name only.
    for (const key of OPENAI_KEYS) {
      expect(out.stdout).toMatch(new RegExp(`^openai\\s+${keyName(key)}\\s+api key\\s+-\\s+ready\\s+0\\s+0$`, 'm'));
      expect(out.stdout).not.toContain(key);
    }
    expect(out.stdout + out.stderr).not.toContain(TOKEN_A);
    expect(out.stdout + out.stderr).not.toContain('sk-ant-ort01');
  });

  it('without a running proxy: the accounts from their credentials, state unknown', async () => {
    const out = await runCli(['--config', configFile, 'accounts', '--url', 'http://127.0.0.1:9'], box);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/claude_api\s+a\s+max\s+in \d+ min\s+unknown/);
    expect(out.stdout).toContain('no ccproxy answering');
  });
});

describe('auth login|logout claude --account', () => {
  it('stores the account 0600 under the data dir (the CLI\'s file untouched); logout removes it', async () => {
    const agent = new Agent();
    const dataDir = path.join(box.home, '.local', 'share', 'ccproxy');
    const cliFile = path.join(box.home, '.claude', '.credentials.json');
    const config = ClaudeApiConfigSchema.parse({ oauth: { token_url: oauth.tokenUrl, authorize_url: 'https://claude.example.test/oauth/authorize' } });
    const ctx = (printed: string[]): AuthCommandContext<typeof config> => ({
      config, account: 'work', noBrowser: true,
      services: { httpClient: agent, logger: pino({ level: 'silent' }), settings: SettingsSchema.parse({}), cacheDir: box.dir, dataDir, version: 'test', env: box.env },
      print: (l) => printed.push(l),
      prompt: async () => `the-code#${new URL(printed.find((l) => l.startsWith('https://claude.example.test/'))!).searchParams.get('state')}`,
    });
    try {
      const printed: string[] = [];
      await claudeAuthCommands.login(ctx(printed));
      const stored = path.join(dataDir, 'accounts', 'claude_api', 'work.json');
      expect(printed.at(-1)).toContain(`account work`);
      expect((await fs.stat(stored)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await fs.readFile(stored, 'utf8')).claudeAiOauth.accessToken).toMatch(/^fake-access-/);
      await expect(fs.stat(cliFile)).rejects.toThrow();
      const listed = await claudeAuthCommands.accounts!(ctx([]));
      expect(listed.map((x) => x.name)).toContain('work');

      await claudeAuthCommands.logout(ctx([]));
      await expect(fs.stat(stored)).rejects.toThrow();
      await expect(claudeAuthCommands.login({ ...ctx([]), account: '../escape' })).rejects.toThrow(/Account names/);
    } finally {
      await agent.close();
    }
  });
});
