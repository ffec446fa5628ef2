/**
 * `ccproxy permissions` without a terminal: how a request is shown (model-written control
 * characters never reach the terminal raw, long values are cut), and the one-line reasons it stops
 * when there is nothing to watch: no proxy, a proxy that wants its token, a proxy without /permissions.
 */
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsCommand } from '../../src/cli/commands/permissions.js';
import { printable, renderPending } from '../../src/cli/permissions-view.js';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import { Plugin } from '../../src/plugins/claude_sdk/plugin.js';

describe('how a pending approval is shown', () => {
  it('escapes control characters a model could use to drive the terminal', () => {
    expect(printable('ok\x1b[2J\x07\r\u009b\ttab\nnext')).toBe('ok\\u001b[2J\\u0007\\u000d\\u009b\ttab\nnext');
    const lines = renderPending({ id: 'perm_1', tool: 'Bash', summary: 'echo \x1b]0;pwned\x07', input: { command: 'echo \x1b]0;pwned\x07' }, session_rule: 'Bash(echo \x1b)' });
    expect(lines.join('\n')).not.toContain('\x1b');
    expect(lines.join('\n')).not.toContain('\x07');
    expect(lines.join('\n')).toContain('command: echo \\u001b]0;pwned\\u0007');
  });

  it('shows who asks, the input field by field, multi-line values as blocks cut after 40 lines, and what "always" covers', () => {
    const content = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n');
    const lines = renderPending({
      id: 'perm_2',
      tool: 'Write',
      summary: '/p/a.txt (50 lines, 440 bytes)',
      title: 'Claude wants to write a.txt',
      input: { file_path: '/p/a.txt', content, mode: { append: false } },
      session_id: 'chat-1',
      client: { api: 'chat', user_agent: 'my-app/2' },
      expires_at: new Date(Date.now() + 90_500).toISOString(),
      session_rule: 'Write(//p/a.txt)',
    });
    const text = lines.join('\n');
    expect(text).toContain('── Write: /p/a.txt (50 lines, 440 bytes)');
    expect(text).toMatch(/session chat-1 · chat client \(my-app\/2\) · expires in (90|91) s/);
    expect(text).toContain('Claude wants to write a.txt');
    expect(text).toContain('     file_path: /p/a.txt');
    expect(text).toContain('     content:\n       line 1\n       line 2');
    expect(text).toContain('       line 40\n       … 10 more lines');
    expect(text).not.toContain('line 41');
    expect(text).toContain('     mode:\n       {\n         "append": false\n       }');
    expect(lines.at(-1)).toBe('Allow? [y]es  [n]o  [a]lways for this session (Write(//p/a.txt))  [q]uit: ');
  });
});

describe('when there is nothing to watch', () => {
  let dir: string;
  let proxy: RunningProxy | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccproxy-perm-cli-'));
  });
  afterAll(async () => {
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({ HOME: dir, XDG_CONFIG_HOME: join(dir, '.config') });
  const config = async (lines: string[]) => {
    const file = join(dir, `c-${Math.random().toString(36).slice(2)}.toml`);
    await writeFile(file, lines.join('\n'));
    return file;
  };
  const refusal = (opts: Parameters<typeof permissionsCommand>[0]) => permissionsCommand({ env: env(), cwd: dir, ...opts }).then(() => 'no error', (e: Error) => e.message);

  async function sdkProxy(plugin: Record<string, unknown>, server: Record<string, unknown> = {}): Promise<RunningProxy> {
    await proxy?.close();
    // No CLI is found at this path, so nothing is spawned: only the routes matter here.
    proxy = await startProxy({
      env: { HOME: dir },
      plugins: [new Plugin()],
      overrides: { server: { port: 0, ...server }, logging: { level: 'silent' }, plugins: { claude_sdk: { cli_path: join(dir, 'no-claude'), ...plugin } } },
    });
    return proxy;
  }

  it('no proxy at the configured port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const message = await refusal({ config: await config(['[server]', `port = ${port}`]) });
    expect(message).toMatch(new RegExp(`^No ccproxy answering at http://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED\\): start it with \`ccproxy serve\`, or pass --url$`));
  });

  it('a proxy that wants a token the config does not have, and one without /permissions', async () => {
    const withToken = await sdkProxy({}, { auth_token: 'the-token' });
    expect(await refusal({ url: withToken.url })).toBe(`${withToken.url} wants its auth token: set server.auth_token in the config (or SERVER__AUTH_TOKEN) to the proxy's token`);
    const wrong = await config(['[server]', 'auth_token = "not-the-token"']);
    expect(await refusal({ url: `${withToken.url}/`, config: wrong })).toContain('wants its auth token');

    const without = await sdkProxy({ builtin_permissions: false });
    expect(await refusal({ url: without.url })).toBe(`${without.url} serves no /permissions: is the claude_sdk plugin enabled, with builtin_permissions = true?`);
    expect(await refusal({ url: 'ftp://x' })).toBe('--url must be an http(s) URL, got ftp://x');
  });
});
