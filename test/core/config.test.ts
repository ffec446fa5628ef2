import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadSettings, resolvePluginConfig, sourceOf } from '../../src/core/config/load.js';
import { ConfigError } from '../../src/core/errors.js';

let dir: string;
let home: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccproxy-config-'));
  home = join(dir, 'home');
  await mkdir(home);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeToml(path: string, text: string): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe('loadSettings', () => {
  it('gives the defaults when there is no file, env or flag', async () => {
    const { settings, file, sources } = await loadSettings({ cwd: dir, env: { HOME: home } });
    expect(file).toBeUndefined();
    expect(settings.server).toMatchObject({ host: '127.0.0.1', port: 8000 });
    expect(sources.get('server.port')).toBe('default');
    expect(sources.get('http.connections')).toBe('default');
    expect([...sources.values()].every((s) => s === 'default')).toBe(true);
  });

  it('applies flags over env over file over defaults, and records each source', async () => {
    await writeToml(join(dir, '.ccproxy.toml'), '[server]\nport = 7000\nhost = "localhost"\n[logging]\nlevel = "warn"\n');
    const env = { HOME: home, SERVER__PORT: '8001', SERVER__HOST: '127.0.0.1' };
    const loaded = await loadSettings({ cwd: dir, env, overrides: { server: { port: 9002 } } });
    expect(loaded.file).toBe(join(dir, '.ccproxy.toml'));
    expect(loaded.settings.server.port).toBe(9002);
    expect(loaded.settings.server.host).toBe('127.0.0.1');
    expect(loaded.settings.logging.level).toBe('warn');
    expect(loaded.settings.http.connect_timeout).toBe(10);
    expect(sourceOf(loaded, 'server.port')).toBe('flag');
    expect(sourceOf(loaded, 'server.host')).toBe('env');
    expect(sourceOf(loaded, 'logging.level')).toBe('file');
    expect(sourceOf(loaded, 'http.connect_timeout')).toBe('default');
    expect(loaded.sources.get('server.port')).toBe('flag');
    expect(loaded.sources.get('logging.format')).toBe('default');

    const noFlag = await loadSettings({ cwd: dir, env });
    expect(noFlag.settings.server.port).toBe(8001);
    const fileOnly = await loadSettings({ cwd: dir, env: { HOME: home } });
    expect(fileOnly.settings.server.port).toBe(7000);
  });

  it('nests env vars on __ and coerces numbers, booleans, lists and JSON', async () => {
    const { settings, envNames } = await loadSettings({
      cwd: dir,
      env: {
        HOME: home,
        LOGGING__LEVEL: 'DEBUG',
        DISABLED_PLUGINS: 'a, b',
        ENABLED_PLUGINS: 'codex,echo',
        SERVER__ALLOWED_HOSTS: 'proxy.local',
        HEALTH_TIMEOUT: '2.5',
        PLUGINS__CODEX__BASE_URL: 'http://127.0.0.1:9/x',
        PLUGINS__CODEX__PRIORITY: '3',
        PLUGINS__CODEX__ENABLED: 'false',
        PLUGINS__CODEX__MODEL_MAP: '{"gpt":"gpt-5"}',
        ROUTING__MODELS: '{"claude-*":"claude_api"}',
      },
    });
    expect(settings.logging.level).toBe('debug');
    expect(settings.disabled_plugins).toEqual(['a', 'b']);
    expect(settings.enabled_plugins).toEqual(['codex', 'echo']);
    expect(settings.server.allowed_hosts).toEqual(['proxy.local']);
    expect(settings.health_timeout).toBe(2.5);
    expect(settings.plugins.codex).toEqual({ base_url: 'http://127.0.0.1:9/x', priority: 3, enabled: false, model_map: { gpt: 'gpt-5' } });
    expect(settings.routing.models).toEqual({ 'claude-*': 'claude_api' });
    expect(envNames.get('plugins.codex.base_url')).toBe('PLUGINS__CODEX__BASE_URL');
  });

  it('never picks up unrelated environment variables', async () => {
    const { settings, sources } = await loadSettings({
      cwd: dir,
      env: { HOME: home, PATH: '/usr/bin', HTTP_PROXY: 'http://x', PORT: '1', SERVER: 'x', LOGGING_LEVEL: 'trace', Logging__LogLevel__Default: 'Information', server__port: '1' },
    });
    expect(settings.server.port).toBe(8000);
    expect(settings.logging.level).toBe('info');
    expect([...sources.values()].every((s) => s === 'default')).toBe(true);
  });

  it('refuses a misspelt key, naming the variable or file and the nearest known key', async () => {
    await expect(loadSettings({ cwd: dir, env: { HOME: home, SERVER__PROT: '1' } }))
      .rejects.toThrow('Unknown setting SERVER__PROT in the environment (did you mean SERVER__PORT?)');
    const file = await writeToml(join(dir, '.ccproxy.toml'), '[sever]\nport = 1\n');
    await expect(loadSettings({ cwd: dir, env: { HOME: home } })).rejects.toThrow(`Unknown setting \`sever\` in ${file} (did you mean \`server\`?)`);
    await writeToml(file, '[server]\nauth_tokn = "x"\n[loging]\nlevel = "info"\n');
    const err = (await loadSettings({ cwd: dir, env: { HOME: home } }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('`server.auth_tokn`');
    expect(err.message).toContain('(did you mean `server.auth_token`?)');
    expect(err.message).toContain('(did you mean `logging`?)');
    // Nothing close: no guess.
    await writeToml(file, 'completely_unrelated = 1\n');
    await expect(loadSettings({ cwd: dir, env: { HOME: home } })).rejects.toThrow(/^Unknown setting `completely_unrelated` in \S+ \(see/);
  });

  it('names the file, the key and what was expected for a bad value', async () => {
    const file = await writeToml(join(dir, 'bad.toml'), '[server]\nport = "eighty"\n');
    const err = await loadSettings({ cwd: dir, env: { HOME: home }, configFile: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain('server.port');
    expect(message).toContain(file);
    expect(message).toMatch(/expected number, got "eighty"/);
    expect(message).not.toContain('\n');
  });

  it('names the env var for a bad env value', async () => {
    await expect(loadSettings({ cwd: dir, env: { HOME: home, SERVER__PORT: '70000' } }))
      .rejects.toThrow(/server\.port from env SERVER__PORT: expected <= 65535, got 70000/);
    await expect(loadSettings({ cwd: dir, env: { HOME: home, LOGGING__LEVEL: 'loud' } }))
      .rejects.toThrow(/logging\.level.*expected one of "fatal"/);
  });

  it('reports TOML syntax errors with file, line and column, in words that say what to fix', async () => {
    const load = async (text: string): Promise<string> => {
      const file = await writeToml(join(dir, 'broken.toml'), text);
      const err = await loadSettings({ cwd: dir, env: { HOME: home }, configFile: file }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      return message.replace(`Invalid TOML in ${file} at `, '');
    };
    expect(await load('[server]\nport = = 1\n')).toMatch(/^line 2, column 8: `=` is not a value TOML knows/);
    // An unterminated string is not "control characters are not allowed".
    expect(await load('[server]\nhost = "127.0.0.1\nport = 1\n')).toBe(
      'line 2, column 18: a string is not closed: add the closing quote before the end of the line (use """ ... """ for text over several lines) (line 2: host = "127.0.0.1)',
    );
    expect(await load('[server]\nhost = localhost\n')).toContain('`localhost` is not a value TOML knows: put text in quotes ("localhost")');
    expect(await load('[server]\nport = 1\nport = 2\n')).toBe('line 3, column 1: key `port` is set twice: each key (and each [table]) may appear only once (line 3: port = 2)');
    expect(await load('[server\nport = 1\n')).toContain('a [table] header is not closed: add `]`');
    expect(await load('server.allowed_hosts = ["a", "b"\n')).toContain('a list or inline table is not closed');
    expect(await load('plugin_dirs = ["C:\\new\\x"]\n')).toContain('a string has an invalid escape (a backslash and what follows it): write a backslash as \\\\');
    expect(await load('x = "\u0001"\n')).toContain('control character U+0001');
  });

  it('finds the file: --config, then CCPROXY_CONFIG, then ./.ccproxy.toml, then XDG', async () => {
    const xdg = await writeToml(join(home, '.config', 'ccproxy', 'config.toml'), 'health_timeout = 1\n');
    expect((await loadSettings({ cwd: dir, env: { HOME: home } })).file).toBe(xdg);
    const custom = await writeToml(join(dir, 'xdg2', 'ccproxy', 'config.toml'), 'health_timeout = 4\n');
    expect((await loadSettings({ cwd: dir, env: { HOME: home, XDG_CONFIG_HOME: join(dir, 'xdg2') } })).file).toBe(custom);
    const local = await writeToml(join(dir, '.ccproxy.toml'), 'health_timeout = 2\n');
    expect((await loadSettings({ cwd: dir, env: { HOME: home } })).file).toBe(local);
    const viaEnv = await writeToml(join(dir, 'env.toml'), 'health_timeout = 3\n');
    const byEnv = await loadSettings({ cwd: dir, env: { HOME: home, CCPROXY_CONFIG: viaEnv } });
    expect(byEnv.file).toBe(viaEnv);
    expect(byEnv.settings.health_timeout).toBe(3);
    const byFlag = await loadSettings({ cwd: dir, env: { HOME: home, CCPROXY_CONFIG: viaEnv }, configFile: xdg });
    expect(byFlag.file).toBe(xdg);
    await expect(loadSettings({ cwd: dir, env: { HOME: home }, configFile: 'missing.toml' })).rejects.toThrow(/not found.*missing\.toml.*--config/);
    await rm(local);
    // An explicit env without HOME never reads the real user's file.
    expect((await loadSettings({ cwd: dir, env: {} })).file).toBeUndefined();
  });

  it('resolves plugin_dirs relative to the file that names them', async () => {
    const file = await writeToml(join(dir, 'conf', 'c.toml'), 'plugin_dirs = ["plugins", "~/more", "/abs"]\n');
    const { settings } = await loadSettings({ cwd: dir, env: { HOME: home }, configFile: file });
    expect(settings.plugin_dirs).toEqual([join(dir, 'conf', 'plugins'), join(home, 'more'), '/abs']);
  });
});

describe('resolvePluginConfig', () => {
  const plugin = {
    name: 'demo',
    configSchema: z.object({
      enabled: z.boolean().default(true),
      port: z.number().int().max(100).default(1),
      label: z.string().default('x'),
      hosts: z.array(z.string()).default([]),
    }),
  };

  it('coerces env strings to the plugin schema types', async () => {
    const loaded = await loadSettings({
      cwd: dir,
      env: { HOME: home, PLUGINS__DEMO__PORT: '42', PLUGINS__DEMO__LABEL: '123', PLUGINS__DEMO__HOSTS: 'a,b' },
    });
    const config = resolvePluginConfig(plugin, loaded.settings.plugins.demo ?? {}, loaded);
    expect(config).toEqual({ enabled: true, port: 42, label: '123', hosts: ['a', 'b'] });
  });

  it('names the plugin key, its origin and the expectation', async () => {
    const file = await writeToml(join(dir, 'p.toml'), '[plugins.demo]\nport = 500\n');
    const loaded = await loadSettings({ cwd: dir, env: { HOME: home }, configFile: file });
    expect(() => resolvePluginConfig(plugin, loaded.settings.plugins.demo ?? {}, loaded))
      .toThrow(`Invalid config for plugin demo: plugins.demo.port in ${file}: expected <= 100, got 500`);
  });
});
