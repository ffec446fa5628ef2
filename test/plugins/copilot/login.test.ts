/**
 * `ccproxy auth login|status|logout copilot` against the fake GitHub: the device flow polls
 * through `authorization_pending` to a token stored 0600 under the data dir; an expired code is
 * a clear error and stores nothing.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'undici';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copilotAuthCommands } from '../../../src/plugins/copilot/auth/commands.js';
import { CopilotConfigSchema } from '../../../src/plugins/copilot/config.js';
import { FakeCopilot } from '../../fakes/copilot.js';
import { useTempDirs } from '../../helpers/temp-dirs.js';

const tempDir = useTempDirs('ccproxy-copilot-login-');
let fake: FakeCopilot;
const agent = new Agent();
beforeAll(async () => {
  fake = await new FakeCopilot().start();
});
afterAll(async () => {
  await fake?.close();
  await agent.close();
});

async function context(env: NodeJS.ProcessEnv = {}) {
  const dataDir = await tempDir();
  const lines: string[] = [];
  const ctx = {
    config: CopilotConfigSchema.parse(fake.config()),
    services: { httpClient: agent, logger: pino({ level: 'silent' }), env, dataDir, cacheDir: dataDir, version: 'test', settings: {} as never },
    print: (l: string) => lines.push(l),
    prompt: async () => '',
    noBrowser: true,
  };
  return { ctx, lines, file: join(dataDir, 'copilot.json') };
}

describe('device-flow login', () => {
  it('pending → authorized: the GitHub token is stored 0600; status and logout', async () => {
    fake.device = { pending: 2, expire: false, interval: 1 };
    const { ctx, lines, file } = await context();
    await copilotAuthCommands.login(ctx);
    expect(lines[0]).toBe(`Open ${fake.url}/login/device and enter the code WDJB-MJHT`);
    expect(lines.at(-1)).toContain(file);
    expect(fake.requests.filter((r) => r.path === '/login/oauth/access_token')).toHaveLength(3);
    const st = await stat(file);
    expect(st.mode & 0o777).toBe(0o600);
    const status = await copilotAuthCommands.status(ctx);
    expect(status.loggedIn).toBe(true);
    expect(status.lines.join('\n')).not.toContain(fake.githubToken);
    await copilotAuthCommands.logout(ctx);
    expect(lines.at(-1)).toBe(`Logged out: removed ${file}`);
    expect((await copilotAuthCommands.status(ctx)).loggedIn).toBe(false);
  });

  it('an expired code: a clear error, nothing stored', async () => {
    fake.device = { pending: 0, expire: true, interval: 1 };
    const { ctx, file } = await context();
    await expect(copilotAuthCommands.login(ctx)).rejects.toThrow(/expired before it was entered on GitHub: run `ccproxy auth login copilot` again/);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('a token from the environment is reported by status', async () => {
    const { ctx } = await context({ COPILOT_GITHUB_TOKEN: 'gho_from_env_1234567890' });
    const status = await copilotAuthCommands.status(ctx);
    expect(status.loggedIn).toBe(true);
    expect(status.lines[0]).toBe('GitHub token: present (from the COPILOT_GITHUB_TOKEN variable)');
  });
});
