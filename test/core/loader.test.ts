import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/core/config/load.js';
import { discoverPlugins } from '../../src/core/loader/index.js';
import { conformanceProblem } from '../../src/core/loader/instantiate.js';
import type { PluginRecord } from '../../src/core/loader/types.js';
import { PluginRegistry } from '../../src/core/registry.js';
import { ConfigError } from '../../src/core/errors.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
const logger = pino({ level: 'silent' });
let empty: string;

beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), 'ccproxy-loader-'));
});
afterAll(async () => {
  await rm(empty, { recursive: true, force: true });
});

/** Discover only the given fixture cases (no built-ins, no node_modules). */
async function discover(cases: string[], overrides: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Promise<PluginRecord[]> {
  const { settings } = await loadSettings({
    cwd: empty,
    env: { HOME: empty, ...env },
    overrides: { plugin_dirs: cases.map((c) => join(FIXTURES, c)), ...overrides },
  });
  return discoverPlugins(settings, { logger, builtinDir: empty, nodeModulesDirs: [], cwd: empty });
}

function byName(records: PluginRecord[], name: string): PluginRecord {
  const r = records.find((x) => x.name === name);
  if (!r) throw new Error(`no record ${name}: ${records.map((x) => x.name).join(',')}`);
  return r;
}

describe('discoverPlugins', () => {
  it('imports a directory plugin (factory export) and validates its config', async () => {
    const records = await discover(['good'], { plugins: { alpha: { greeting: 'hey' } } });
    const alpha = byName(records, 'alpha');
    expect(alpha).toMatchObject({ state: 'discovered', source: 'directory', version: '1.2.3' });
    expect(alpha.location).toBe(join(FIXTURES, 'good', 'alpha', 'plugin.mjs'));
    expect(alpha.config).toMatchObject({ enabled: true, greeting: 'hey', count: 1 });
  });

  it('marks a plugin that throws at import failed with the error, and keeps the others', async () => {
    const records = await discover(['good', 'throws']);
    expect(byName(records, 'boom')).toMatchObject({ state: 'failed', reason: expect.stringContaining('boom: cannot load native module') });
    expect(byName(records, 'alpha').state).toBe('discovered');
  });

  it('marks a plugin whose config fails its schema failed, naming the key (class export)', async () => {
    const records = await discover(['invalid-config', 'good'], {}, { PLUGINS__STRICT__LEVEL: '9' });
    const strict = byName(records, 'strict');
    expect(strict.state).toBe('failed');
    expect(strict.reason).toBe('Invalid config for plugin strict: plugins.strict.level from env PLUGINS__STRICT__LEVEL: expected <= 5, got 9');
    expect(byName(records, 'alpha').state).toBe('discovered');
  });

  it('coerces env strings in plugin sections for the plugin itself', async () => {
    const { settings } = await loadSettings({
      cwd: empty,
      env: { PLUGINS__ALPHA__COUNT: '4', PLUGINS__ALPHA__GREETING: '42' },
      overrides: { plugin_dirs: [join(FIXTURES, 'good')] },
    });
    const records = await discoverPlugins(settings, { logger, builtinDir: empty, nodeModulesDirs: [] });
    expect(byName(records, 'alpha').config).toMatchObject({ count: 4, greeting: '42' });
    expect(settings.plugins.alpha).toEqual({ count: 4, greeting: '42' });
  });

  it('accepts a plugin_dirs entry that is one plugin directory', async () => {
    const records = await discover(['good/alpha']);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ name: 'alpha', state: 'discovered', source: 'directory' });
  });

  it('marks a plugin that breaks the protocol failed', async () => {
    const records = await discover(['nonconforming']);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ name: 'bad', state: 'failed', reason: expect.stringMatching(/invalid name "Bad-Name"/) });
  });

  it('checks the optional getRootRoutes is a method', () => {
    const methods = Object.fromEntries(['initialize', 'shutdown', 'createConfig', 'validate', 'getRoutes', 'healthCheck', 'getScheduledTasks', 'createAdapter'].map((m) => [m, () => undefined]));
    const plugin = { name: 'p', version: '1', kind: 'provider', routerPrefix: '/p', configSchema: { safeParse: () => undefined }, ...methods };
    expect(conformanceProblem(plugin)).toBeUndefined();
    expect(conformanceProblem({ ...plugin, getRootRoutes: () => null })).toBeUndefined();
    expect(conformanceProblem({ ...plugin, getRootRoutes: '/permissions' })).toBe('getRootRoutes is not a method');
  });

  it('refuses two plugins with one name, naming both locations', async () => {
    const err = await discover(['good', 'duplicate']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('Two plugins are named "alpha"');
    expect((err as Error).message).toContain(join(FIXTURES, 'good', 'alpha', 'plugin.mjs'));
    expect((err as Error).message).toContain(join(FIXTURES, 'duplicate', 'alpha', 'plugin.mjs'));
  });

  it('refuses equal route prefixes but allows nested ones', async () => {
    await expect(discover(['good', 'prefix-conflict'])).rejects.toThrow(/"alpha".*"beta".*both use route prefix "\/alpha"/);
    const records = await discover(['good', 'nested']);
    expect(records.map((r) => r.state)).toEqual(['discovered', 'discovered']);
    // A disabled plugin does not claim its prefix.
    const ok = await discover(['good', 'prefix-conflict'], { disabled_plugins: ['beta'] });
    expect(byName(ok, 'beta')).toMatchObject({ state: 'disabled', reason: 'listed in disabled_plugins' });
  });

  it('honors the allow list, the deny list and plugins.<name>.enabled = false', async () => {
    const allow = await discover(['good', 'nested'], { enabled_plugins: ['alpha_sub'] });
    expect(byName(allow, 'alpha')).toMatchObject({ state: 'disabled', reason: 'not in enabled_plugins' });
    expect(byName(allow, 'alpha_sub').state).toBe('discovered');
    const deny = await discover(['good', 'nested'], {}, { DISABLED_PLUGINS: 'alpha' });
    expect(byName(deny, 'alpha').state).toBe('disabled');
    expect(byName(deny, 'alpha_sub').state).toBe('discovered');
    const off = await discover(['good'], {}, { PLUGINS__ALPHA__ENABLED: 'false' });
    expect(byName(off, 'alpha')).toMatchObject({ state: 'disabled', reason: 'plugins.alpha.enabled = false' });
  });

  it('refuses a plugin section no plugin owns, naming the nearest plugin, from a file or the environment', async () => {
    const file = join(empty, 'typo.toml');
    await writeFile(file, '[plugins.alpah]\ngreeting = "x"\n');
    const { settings } = await loadSettings({ cwd: empty, env: { HOME: empty }, configFile: file, overrides: { plugin_dirs: [join(FIXTURES, 'good')] } });
    const err = await discoverPlugins(settings, { logger, builtinDir: empty, nodeModulesDirs: [], cwd: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`Unknown plugin section \`plugins.alpah\` in ${file} (did you mean \`plugins.alpha\`?); plugins found: alpha`);
    await expect(discover(['good'], {}, { PLUGINS__ALPAH__ENABLED: 'true' }))
      .rejects.toThrow('Unknown plugin section PLUGINS__ALPAH__ENABLED in the environment (did you mean PLUGINS__ALPHA__ENABLED?)');
    // Nothing near enough: no guess, only the plugins that exist.
    await expect(discover(['good'], { plugins: { zzzzzz: {} } })).rejects.toThrow(/^Unknown plugin section `plugins\.zzzzzz` from the command line; plugins found: alpha$/);
  });

  it('refuses an unknown key inside a plugin section (nested ones too), naming the nearest key', async () => {
    await expect(discover(['good'], {}, { PLUGINS__ALPHA__GREETNG: 'x' }))
      .rejects.toThrow('Unknown setting PLUGINS__ALPHA__GREETNG in the environment (did you mean PLUGINS__ALPHA__GREETING?); `ccproxy plugins settings alpha` lists its keys');
    await expect(discover(['good'], { plugins: { alpha: { upstream: { ulr: 'http://x' } } } }))
      .rejects.toThrow('Unknown setting `plugins.alpha.upstream.ulr` from the command line (did you mean `plugins.alpha.upstream.url`?)');
  });

  it('keeps the sections of disabled plugins valid, and still checks their keys', async () => {
    const records = await discover(['good'], { disabled_plugins: ['alpha'], plugins: { alpha: { greeting: 'x' } } });
    expect(byName(records, 'alpha')).toMatchObject({ state: 'disabled' });
    await expect(discover(['good'], { disabled_plugins: ['alpha'], plugins: { alpha: { greting: 'x' } } })).rejects.toThrow(/did you mean `plugins\.alpha\.greeting`/);
  });

  it('only warns about an unowned section when a module failed before its name was known', async () => {
    const records = await discover(['good', 'throws'], { plugins: { ghost: { x: 1 } } });
    expect(byName(records, 'alpha').state).toBe('discovered');
  });

  it('bounds a slow import without holding up the others', async () => {
    // slowpoke's import never finishes: discovery returns only because of the bound.
    const records = await discover(['slow', 'good'], { plugin_init_timeout: 5 });
    expect(byName(records, 'slowpoke')).toMatchObject({ state: 'failed', reason: 'import failed: import timed out after 5s' });
    expect(byName(records, 'alpha').state).toBe('discovered');
  });

  it('finds the built-in plugins next to the core', async () => {
    const { settings } = await loadSettings({ cwd: empty, env: {}, overrides: { enabled_plugins: [] } });
    const records = await discoverPlugins(settings, { logger, nodeModulesDirs: [] });
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r.source).toBe('builtin');
      expect(r.location).toMatch(/src[/\\]plugins[/\\][^/\\]+[/\\]plugin\.ts$/);
    }
  });
});

describe('PluginRegistry', () => {
  it('tracks state changes and serves the /plugins shape', async () => {
    const records = await discover(['good', 'throws']);
    const registry = new PluginRegistry(records);
    registry.markActive('alpha', ['GET /alpha/hello']);
    expect(registry.active().map((r) => r.name)).toEqual(['alpha']);
    expect(registry.providers().map((r) => r.name)).toEqual(['alpha']);
    const json = registry.toJSON((name) => (name === 'alpha' ? [{ name: 'alpha_task' }] : []));
    expect(json).toContainEqual({
      name: 'alpha', version: '1.2.3', kind: 'provider', prefix: '/alpha', source: 'directory',
      state: 'active', reason: undefined, routes: ['GET /alpha/hello'], tasks: [{ name: 'alpha_task' }],
    });
    expect(json.find((p) => p.name === 'boom')).toMatchObject({ state: 'failed', reason: expect.stringContaining('boom') });
    registry.markFailed('alpha', 'initialize timed out');
    expect(registry.get('alpha')).toMatchObject({ state: 'failed', reason: 'initialize timed out' });
    expect(JSON.parse(JSON.stringify({ plugins: registry })).plugins[0].tasks).toEqual([]);
  });
});
