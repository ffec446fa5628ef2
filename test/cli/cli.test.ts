/**
 * The ccproxy command as a person runs it: subprocesses with a temp HOME/XDG dirs/cwd and a
 * minimal environment. A config file adds the test plugin directory and keeps the built-in
 * plugins out of the way (allow list), so results do not depend on them.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sandbox, type Sandbox } from './run-cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
let box: Sandbox;
let config: string;

beforeAll(async () => {
  box = await sandbox();
  config = join(box.dir, 'ccproxy.toml');
  await writeFile(config, [
    `plugin_dirs = [${JSON.stringify(join(FIXTURES, 'good'))}, ${JSON.stringify(join(FIXTURES, 'throws'))}]`,
    'disabled_plugins = ["claude_sdk"]',
    '[server]',
    'auth_token = "super-secret-value"',
    '[plugins.alpha]',
    'greeting = "hello from file"',
    '',
  ].join('\n'));
});
afterAll(async () => {
  await box?.cleanup();
});

describe('ccproxy CLI', () => {
  it('--help lists the commands; --version prints the version', async () => {
    const help = await runCli(['--help'], box);
    expect(help.code).toBe(0);
    for (const cmd of ['serve', 'plugins', 'config', 'auth']) expect(help.stdout).toContain(cmd);
    const serveHelp = await runCli(['serve', '--help'], box);
    for (const flag of ['--host', '--port', '--log-level']) expect(serveHelp.stdout).toContain(flag);
    const version = await runCli(['--version'], box);
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('plugins list shows every plugin with version, prefix, state and source', async () => {
    const res = await runCli(['--config', config, 'plugins', 'list'], box);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VERSION\s+KIND\s+PREFIX\s+STATE\s+SOURCE\s+REASON$/);
    expect(lines.find((l) => l.startsWith('alpha '))).toMatch(/^alpha\s+1\.2\.3\s+provider\s+\/alpha\s+enabled\s+directory/);
    expect(lines.find((l) => l.startsWith('boom '))).toMatch(/failed\s+directory\s+import failed: boom/);
    expect(lines.find((l) => l.startsWith('claude_sdk '))).toMatch(/disabled\s+builtin\s+listed in disabled_plugins/);
  });

  it('plugins settings <name> lists every key with type, default, env var and description', async () => {
    const res = await runCli(['plugins', 'settings', 'alpha', '--config', config], box);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Section [plugins.alpha]');
    expect(res.stdout).toContain('plugins.alpha.greeting\n  type:    string\n  default: "hi"\n  env:     PLUGINS__ALPHA__GREETING\n  What /alpha/hello says');
    expect(res.stdout).toContain('plugins.alpha.upstream.url');
    expect(res.stdout).toContain('env:     PLUGINS__ALPHA__UPSTREAM__URL');
    expect(res.stdout).toMatch(/plugins\.alpha\.tags\n {2}type: {4}string\[\]/);
    const core = await runCli(['plugins', 'settings', 'core'], box);
    expect(core.stdout).toContain('server.port\n  type:    integer\n  default: 8000\n  env:     SERVER__PORT');
    const missing = await runCli(['--config', config, 'plugins', 'settings', 'nope'], box);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ccproxy: No plugin named "nope"/);
  });

  it('config show masks secrets and says where each value came from', async () => {
    const res = await runCli(['--config', config, 'config', 'show'], box, { SERVER__PORT: '9123', PLUGINS__ALPHA__COUNT: '7' });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Config file: ${config}`);
    expect(res.stdout).not.toContain('super-secret-value');
    expect(res.stdout).toMatch(/server\.auth_token\s+file\s+\*{8}/);
    expect(res.stdout).toMatch(/server\.port\s+env SERVER__PORT\s+9123/);
    expect(res.stdout).toMatch(/server\.host\s+default\s+"127\.0\.0\.1"/);
    expect(res.stdout).toMatch(/plugins\.alpha\.greeting\s+file\s+"hello from file"/);
    expect(res.stdout).toMatch(/plugins\.alpha\.count\s+env PLUGINS__ALPHA__COUNT\s+7/);
    expect(res.stdout).toMatch(/plugins\.alpha\.priority\s+default\s+0/);
  });

  it('config init writes a commented TOML with core and plugin sections, and will not overwrite', async () => {
    const target = join(box.dir, 'init', 'config.toml');
    const res = await runCli(['--config', config, 'config', 'init', target], box);
    expect(res.code).toBe(0);
    const text = await readFile(target, 'utf8');
    const parsed = parse(text) as Record<string, unknown>;
    expect(parsed.server).toEqual({});
    expect((parsed.plugins as Record<string, unknown>).alpha).toEqual({ upstream: {} });
    expect(text).toContain('[plugins.alpha]');
    expect(text).toContain('# greeting = "hi"');
    expect(text).toContain('# port = 8000');
    expect(text).toContain('env PLUGINS__ALPHA__COUNT');
    const again = await runCli(['--config', config, 'config', 'init', target], box);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; use --force');
    const forced = await runCli(['--config', config, 'config', 'init', '--force', target], box);
    expect(forced.code).toBe(0);
  });

  it('config init defaults to the XDG config path, which is then picked up', async () => {
    const res = await runCli(['config', 'init'], box, { XDG_CONFIG_HOME: join(box.dir, 'xdg') });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(join(box.dir, 'xdg', 'ccproxy', 'config.toml'));
    const show = await runCli(['config', 'show'], box, { XDG_CONFIG_HOME: join(box.dir, 'xdg') });
    expect(show.stdout).toContain(`Config file: ${join(box.dir, 'xdg', 'ccproxy', 'config.toml')}`);
  });

  it('an invalid config gives one line naming the file and key, exit 1, no stack unless --debug', async () => {
    const bad = join(box.dir, 'bad.toml');
    await writeFile(bad, '[server]\nport = "eighty"\n');
    const res = await runCli(['--config', bad, 'config', 'show'], box);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(`server.port in ${bad}: expected number, got "eighty"`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    const debug = await runCli(['--config', bad, '--debug', 'config', 'show'], box);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('ccproxy auth', () => {
  it('dispatches login/status/logout to the plugin by name or alias', async () => {
    const extra = { PLUGIN_DIRS: join(FIXTURES, 'auth'), PLUGINS__KEYED__ACCOUNT: 'me@example.com' };
    const login = await runCli(['auth', 'login', 'kd', '--no-browser'], box, extra);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('login account=me@example.com noBrowser=true version=');
    expect(login.stdout).toContain('has http client: true');
    const status = await runCli(['auth', 'status', 'keyed'], box, extra);
    expect(status.code).toBe(1);
    expect(status.stdout).toBe('not logged in (me@example.com)\n');
    const logout = await runCli(['auth', 'logout', 'kd'], box, extra);
    expect(logout.stdout).toBe('logged out\n');
    const none = await runCli(['--config', config, 'auth', 'login', 'alpha'], box);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^ccproxy: Plugin "alpha" has no login/);
  });

  it('login --no-browser with no code entered (input ended) exits 1 with a message', async () => {
    const claude = await runCli(['auth', 'login', 'claude', '--no-browser'], box);
    expect(claude.code).toBe(1);
    expect(claude.stdout).toContain('paste the code shown afterwards');
    expect(claude.stderr).toMatch(/ccproxy: Nothing entered for "Authorization code": the input ended before an answer; login cancelled\n$/);
    // Codex asks for one thing: the address the browser ends up on.
    const codex = await runCli(['auth', 'login', 'codex', '--no-browser'], box);
    expect(codex.code).toBe(1);
    expect(codex.stdout.match(/paste/g)).toHaveLength(1);
    expect(codex.stdout).toContain('copy that full address from the address bar and paste it here');
    expect(codex.stdout.split('\n')[0]).not.toContain('code');
    expect(codex.stderr).toContain('Redirect URL (http://localhost:1455/auth/callback?code=...): \nccproxy: Nothing entered for "Redirect URL');
  });
});
