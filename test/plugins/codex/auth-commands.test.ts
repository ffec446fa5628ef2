/**
 * `ccproxy auth login|status|logout codex` against a fake OAuth server (no-browser paste flow):
 * the Codex CLI's auth.json is written (0600, account id from the id token), status never shows a
 * token, logout removes our tokens but keeps fields the person set; with `--account`, the account
 * is stored 0600 under the data dir (the CLI's auth.json untouched) and joins `ccproxy accounts`.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthCommandContext } from '../../../src/core/plugin.js';
import { codexAuthCommands } from '../../../src/plugins/codex/auth/commands.js';
import { CodexConfigSchema, type CodexConfig } from '../../../src/plugins/codex/config.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';
import { ACCOUNT_ID, accessToken, idToken } from './helpers.js';

let oauth: FakeOAuthServer;
let dir: string;
const agent = new Agent();
const issued: string[] = [];

beforeAll(async () => {
  oauth = await new FakeOAuthServer({
    extraResponse: () => {
      const access = accessToken(3600);
      issued.push(access);
      return { access_token: access, id_token: idToken() };
    },
  }).start();
  dir = await fs.mkdtemp(join(tmpdir(), 'ccproxy-codex-auth-'));
});

afterAll(async () => {
  await oauth.close();
  await agent.close();
  await fs.rm(dir, { recursive: true, force: true });
});

function ctx(file: string, answer = 'the-code'): AuthCommandContext<CodexConfig> & { out: string[] } {
  const out: string[] = [];
  const config = CodexConfigSchema.parse({ credentials_file: file, oauth: { token_url: oauth.tokenUrl, authorize_url: 'https://auth.example.test/oauth/authorize' } });
  return {
    out,
    config,
    services: { httpClient: agent, logger: pino({ level: 'silent' }), settings: {} as never, cacheDir: dir, dataDir: join(dir, 'data'), version: 'test', env: { HOME: dir } },
    print: (line) => out.push(line),
    prompt: async () => answer,
    noBrowser: true,
  };
}

describe('codex auth commands', () => {
  it('login (no browser) exchanges the pasted code and writes auth.json', async () => {
    const file = join(dir, 'login', 'auth.json');
    const c = ctx(file);
    await codexAuthCommands.login(c);
    const call = oauth.calls.at(-1);
    expect(call?.contentType).toContain('application/x-www-form-urlencoded');
    expect(call?.params).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', client_id: 'app_EMoamEEZ73f0CkXaXp7hrann', redirect_uri: 'http://localhost:1455/auth/callback' });
    expect(call?.params.code_verifier).toBeTruthy();
    const url = c.out.find((l) => l.startsWith('https://auth.example.test/oauth/authorize'));
    expect(url).toBeDefined();
    expect(new URL(url as string).searchParams.get('code_challenge_method')).toBe('S256');
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as { tokens: Record<string, string> };
    expect(json.tokens.access_token).toBe(issued.at(-1));
    expect(json.tokens.account_id).toBe(ACCOUNT_ID);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('status shows who and when, never a token', async () => {
    const file = join(dir, 'login', 'auth.json');
    const report = await codexAuthCommands.status(ctx(file));
    expect(report.loggedIn).toBe(true);
    const text = report.lines.join('\n');
    expect(text).toContain('dev@example.com');
    expect(text).toContain('pro');
    expect(text).toMatch(/expires in/);
    for (const t of issued) expect(text).not.toContain(t);
    const none = await codexAuthCommands.status(ctx(join(dir, 'none', 'auth.json')));
    expect(none.loggedIn).toBe(false);
    expect(none.lines.join('\n')).toContain('ccproxy auth login codex');
  });

  it('logout removes the tokens and keeps what the person set', async () => {
    const file = join(dir, 'keep', 'auth.json');
    await fs.mkdir(join(dir, 'keep'));
    await fs.writeFile(file, JSON.stringify({ OPENAI_API_KEY: 'sk-user', tokens: { access_token: 'a' }, last_refresh: 'x' }));
    await codexAuthCommands.logout(ctx(file));
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({ OPENAI_API_KEY: 'sk-user' });
    const owned = join(dir, 'login', 'auth.json');
    await codexAuthCommands.logout(ctx(owned));
    await expect(fs.stat(owned)).rejects.toThrow();
  });

  it('logout without credentials says so instead of claiming it removed tokens', async () => {
    const c = ctx(join(dir, 'never', 'auth.json'));
    await codexAuthCommands.logout(c);
    expect(c.out.join('\n')).toContain('Not logged in');
  });

  it('--account stores the account 0600 under the data dir, never in the CLI\'s auth.json; accounts lists it; logout removes it', async () => {
    const home = join(dir, 'home-accounts');
    const cliFile = join(home, '.codex', 'auth.json');
    const dataDir = join(home, 'data');
    const withAccount = (account: string): AuthCommandContext<CodexConfig> & { out: string[] } => {
      const c = ctx(cliFile);
      c.config = { ...c.config, credentials_file: undefined };
      return { ...c, account, services: { ...c.services, dataDir, env: { HOME: home } } };
    };
    const login = withAccount('work');
    await codexAuthCommands.login(login);
    expect(login.out.at(-1)).toContain('account work');
    const stored = join(dataDir, 'accounts', 'codex', 'work.json');
    expect((await fs.stat(stored)).mode & 0o777).toBe(0o600);
    expect((JSON.parse(await fs.readFile(stored, 'utf8')) as { tokens: { access_token: string } }).tokens.access_token).toBe(issued.at(-1));
    await expect(fs.stat(cliFile)).rejects.toThrow();

    // The CLI's own auth.json holds nothing: the pool is the stored account alone.
    const listed = await codexAuthCommands.accounts!(withAccount('work'));
    expect(listed).toEqual([{ name: 'work', plan: 'pro', expiresAt: expect.any(Number) }]);
    expect((await codexAuthCommands.status(withAccount('work'))).lines.join('\n')).toContain(stored);

    const logout = withAccount('work');
    await codexAuthCommands.logout(logout);
    expect(logout.out.at(-1)).toContain('Removed account work');
    await expect(fs.stat(stored)).rejects.toThrow();
    await expect(codexAuthCommands.login(withAccount('../escape'))).rejects.toThrow(/Account names/);
  });
});
