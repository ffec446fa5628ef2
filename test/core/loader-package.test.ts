/**
 * Plugins found the way an installed package is: through node_modules and a package.json
 * `ccproxy.plugin` field, never a relative import (plain and scoped packages; a package without
 * the field is not a plugin). Then served on a real server. The published example
 * (examples/echo-plugin) is installed from a real `npm pack` in test/contract/package.contract.test.ts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/core/config/load.js';
import { discoverPlugins } from '../../src/core/loader/index.js';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
const logger = pino({ level: 'silent' });
let dir: string;
let empty: string;

/** A package in `<dir>/node_modules/<name>` whose entry re-exports one fixture plugin. */
async function fixturePackage(name: string, version: string, fixture: string): Promise<void> {
  const pkg = join(dir, 'node_modules', name);
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name, version, ccproxy: { plugin: './entry.mjs' } }));
  await writeFile(join(pkg, 'entry.mjs'), `export { Plugin } from ${JSON.stringify(join(FIXTURES, fixture, 'plugin.mjs'))};\n`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccproxy-pkg-'));
  empty = join(dir, 'no-builtins');
  await mkdir(empty);
  await fixturePackage('ccproxy-plugin-alpha', '1.2.3', 'good/alpha');
  await fixturePackage('@acme/scoped', '2.0.0', 'nested/alpha_sub');
  // Not a plugin: no ccproxy field.
  await mkdir(join(dir, 'node_modules', 'left-pad'));
  await writeFile(join(dir, 'node_modules', 'left-pad', 'package.json'), '{"name":"left-pad","version":"1.0.0"}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm package plugins', () => {
  it('discovers plain and scoped packages from the cwd node_modules', async () => {
    const { settings } = await loadSettings({ cwd: dir, env: {} });
    const records = await discoverPlugins(settings, { logger, cwd: dir, builtinDir: empty });
    const alpha = records.find((r) => r.name === 'alpha');
    expect(alpha).toMatchObject({ source: 'package', state: 'discovered', version: '1.2.3' });
    expect(alpha?.location).toBe(join(dir, 'node_modules', 'ccproxy-plugin-alpha', 'entry.mjs'));
    expect(alpha?.plugin?.routerPrefix).toBe('/alpha');
    expect(records.find((r) => r.name === 'alpha_sub')).toMatchObject({ source: 'package', state: 'discovered' });
    expect(records.some((r) => r.name === 'left-pad')).toBe(false);
  });

  describe('served by the runtime', () => {
    let proxy: RunningProxy;
    beforeAll(async () => {
      proxy = await startProxy({
        cwd: dir,
        env: {},
        overrides: { server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['alpha'], plugins: { alpha: { greeting: 'hello from a package' } } },
        discovery: { builtinDir: empty },
      });
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it('mounts its routes with its config, and reports health', async () => {
      const res = await request(`${proxy.url}/alpha/hello`);
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toEqual({ plugin: 'alpha', greeting: 'hello from a package' });
      expect(proxy.registry.get('alpha')).toMatchObject({ state: 'active', source: 'package' });
      const health = await request(`${proxy.url}/health`);
      expect(health.statusCode).toBe(200);
      expect((await health.body.json() as { status: string }).status).toBe('pass');
    });
  });
});
