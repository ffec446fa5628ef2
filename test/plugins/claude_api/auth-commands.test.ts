/** `ccproxy auth login|status|logout claude` against a fake OAuth server and a temp credentials file. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import pino from 'pino';
import { claudeAuthCommands } from '../../../src/plugins/claude_api/auth/commands.js';
import { ClaudeApiConfigSchema, type ClaudeApiConfig } from '../../../src/plugins/claude_api/config.js';
import type { AuthCommandContext } from '../../../src/core/plugin.js';
import { SettingsSchema } from '../../../src/core/config/schema.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';

let oauth: FakeOAuthServer;
let dir: string;
let agent: Agent;
beforeAll(async () => {
  oauth = await new FakeOAuthServer().start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-claude-auth-'));
  agent = new Agent();
});
afterAll(async () => {
  await oauth.close();
  await agent.close();
  await fs.rm(dir, { recursive: true, force: true });
});

function ctx(config: ClaudeApiConfig, printed: string[], answer: (printed: string[]) => string): AuthCommandContext<ClaudeApiConfig> {
  return {
    config,
    services: { httpClient: agent, logger: pino({ level: 'silent' }), settings: SettingsSchema.parse({}), cacheDir: dir, dataDir: path.join(dir, 'data'), version: 'test', env: { HOME: dir } },
    print: (l) => printed.push(l),
    prompt: async () => answer(printed),
    noBrowser: true,
  };
}

describe('claude auth commands', () => {
  it('login (no browser) → status → logout, keeping foreign fields of the shared file', async () => {
    const file = path.join(dir, 'creds.json');
    await fs.writeFile(file, JSON.stringify({ mcpOAuth: { keep: true } }));
    const config = ClaudeApiConfigSchema.parse({ credentials_file: file, oauth: { token_url: oauth.tokenUrl, authorize_url: 'https://claude.example.test/oauth/authorize' } });
    expect(claudeAuthCommands.aliases).toContain('claude');

    const printed: string[] = [];
    await claudeAuthCommands.login(ctx(config, printed, (p) => {
      const url = new URL(p.find((l) => l.startsWith('https://claude.example.test/'))!);
      expect(url.searchParams.get('client_id')).toBe('9d1c250a-e61b-44d9-88ed-5944d1962f5e');
      expect(url.searchParams.get('scope')).toBe('org:create_api_key user:profile user:inference');
      expect(url.searchParams.get('redirect_uri')).toBe('https://console.anthropic.com/oauth/code/callback');
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      return `the-code#${url.searchParams.get('state')}`;
    }));
    const call = oauth.calls.at(-1)!;
    expect(call.contentType).toContain('application/json');
    expect(call.params).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'https://console.anthropic.com/oauth/code/callback' });
    const saved = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(saved.mcpOAuth).toEqual({ keep: true });
    expect(saved.claudeAiOauth.accessToken).toMatch(/^fake-access-/);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

    const status = await claudeAuthCommands.status(ctx(config, [], () => ''));
    expect(status.loggedIn).toBe(true);
    const text = status.lines.join('\n');
    expect(text).toContain(file);
    expect(text).toContain('expires in');
    expect(text).not.toContain(saved.claudeAiOauth.accessToken);
    expect(text).not.toContain(saved.claudeAiOauth.refreshToken);

    await claudeAuthCommands.logout(ctx(config, [], () => ''));
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ mcpOAuth: { keep: true } });
    expect((await claudeAuthCommands.status(ctx(config, [], () => ''))).loggedIn).toBe(false);
  });

  it('logout removes the file when nothing else is in it', async () => {
    const file = path.join(dir, 'only.json');
    await fs.writeFile(file, JSON.stringify({ claudeAiOauth: { accessToken: 'a' } }));
    const config = ClaudeApiConfigSchema.parse({ credentials_file: file });
    await claudeAuthCommands.logout(ctx(config, [], () => ''));
    await expect(fs.access(file)).rejects.toThrow();
  });
});
