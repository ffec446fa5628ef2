/**
 * The plugin contract, run against every built-in plugin the loader finds (they appear as they are
 * written) plus a fixture plugin, so the harness also runs with zero built-ins. Each plugin:
 * conforms to the protocol, has a unique prefix starting with '/', mounts its routes without
 * conflicts, and goes initialize → validate → healthCheck → shutdown with a temp HOME.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../src/core/config/schema.js';
import { BUILTIN_PLUGINS_DIR } from '../../src/core/loader/index.js';
import { scanPluginDir } from '../../src/core/loader/candidates.js';
import { conformanceProblem, instantiate } from '../../src/core/loader/instantiate.js';
import { isProviderPlugin, type AnyPlugin } from '../../src/core/plugin.js';
import { createServices } from '../../src/core/services-factory.js';
import { createHttpApp } from '../../src/core/http/server.js';
import { startProxy } from '../../src/core/runtime.js';

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/plugins/resilience/', import.meta.url));
const FIXTURES = ['res_good'];
const STEP_MS = 10_000;

const candidates = [
  ...(await scanPluginDir(BUILTIN_PLUGINS_DIR, 'builtin')),
  ...(await scanPluginDir(FIXTURE_DIR, 'directory')).filter((c) => FIXTURES.includes(c.hint)),
];
const loaded = await Promise.all(candidates.map(async (c) => ({ candidate: c, result: await instantiate(c, STEP_MS) })));
const plugins: AnyPlugin[] = loaded.flatMap((l) => (l.result.ok ? [l.result.plugin] : []));

/** Isolate every plugin from the real ~/.claude and ~/.codex. */
let home = '';
const saved: Record<string, string | undefined> = {};
const ISOLATED = ['HOME', 'CODEX_HOME', 'CLAUDE_CONFIG_DIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY'];
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'ccproxy-contract-'));
  for (const k of ISOLATED) saved[k] = process.env[k];
  for (const k of ISOLATED) delete process.env[k];
  process.env.HOME = home;
});
afterAll(async () => {
  for (const k of ISOLATED) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await rm(home, { recursive: true, force: true });
});

function bounded<T>(p: PromiseLike<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${STEP_MS}ms`)), STEP_MS).unref())]);
}

describe('plugin set', () => {
  it('finds the fixture plugin and imports every candidate', () => {
    expect(plugins.map((p) => p.name)).toContain('res_good');
    for (const l of loaded) expect(l.result.ok ? 'ok' : l.result.reason, l.candidate.location).toBe('ok');
  });

  it('names and prefixes are unique; prefixes start with "/"', () => {
    const names = plugins.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    const prefixes = plugins.flatMap((p) => (p.routerPrefix === undefined ? [] : [p.routerPrefix]));
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const prefix of prefixes) expect(prefix).toMatch(/^\/[^\s]*[^/]$/);
  });

  it('all start together in one proxy: no route conflicts, every route under its prefix or one of its root routes, outside every prefix and the core\'s paths', async () => {
    const fresh = await Promise.all(loaded.filter((l) => l.result.ok).map(async (l) => {
      const r = await instantiate(l.candidate, STEP_MS);
      if (!r.ok) throw new Error(r.reason);
      return r.plugin;
    }));
    const proxy = await startProxy({ env: { HOME: home }, overrides: { server: { port: 0 }, logging: { level: 'silent' } }, plugins: fresh });
    try {
      const all = proxy.registry.all();
      const routes = all.flatMap((r) => r.routes ?? []);
      expect(new Set(routes).size).toBe(routes.length);
      const prefixes = all.flatMap((r) => (r.plugin?.routerPrefix ? [`${r.plugin.routerPrefix}/`] : []));
      for (const r of all) {
        for (const route of r.routes ?? []) {
          const path = route.split(' ')[1]!;
          // A plugin's page at its prefix itself (`GET /dashboard`) is under its prefix too.
          if (path === r.plugin?.routerPrefix || path.startsWith(`${r.plugin?.routerPrefix ?? ''}/`)) continue;
          expect(r.plugin?.getRootRoutes, `${route} is outside ${r.name}'s prefix`).toBeTypeOf('function');
          expect(['/v1/', '/health', '/plugins', ...prefixes].some((p) => path.startsWith(p)), route).toBe(false);
        }
      }
      expect(all.find((r) => r.name === 'res_good')?.state).toBe('active');
    } finally {
      await proxy.close();
    }
  });
});

describe.each(plugins.map((p) => [p.name, p] as const))('plugin %s', (_name, plugin) => {
  it('follows the protocol', () => {
    expect(conformanceProblem(plugin)).toBeUndefined();
    expect(plugin.configSchema.safeParse({}).success, 'defaults alone must be a valid config').toBe(true);
    if (isProviderPlugin(plugin)) expect(plugin.routerPrefix.startsWith('/')).toBe(true);
  });

  it('initialize → validate → healthCheck → shutdown', async () => {
    const settings = SettingsSchema.parse({ logging: { level: 'silent' } });
    const services = createServices(settings, pino({ level: 'silent' }), { env: { HOME: home } });
    try {
      await bounded(plugin.initialize(services.forPlugin(plugin.name)), 'initialize');
      expect(typeof (await bounded(plugin.validate(), 'validate'))).toBe('boolean');
      const routes = plugin.getRoutes();
      if (routes) {
        const app = createHttpApp({ settings });
        app.register(routes, { prefix: plugin.routerPrefix ?? '' });
        await bounded(app.ready().then(() => undefined), 'route registration');
        await app.close();
      }
      // Its defaults: enabled unless the plugin is off by default (tracing, request_tracer).
      expect(plugin.createConfig().enabled).toBe((plugin.configSchema.parse({}) as { enabled: boolean }).enabled);
      const health = await bounded(plugin.healthCheck(), 'healthCheck');
      expect(['pass', 'warn', 'fail']).toContain(health.status);
      expect(typeof health.componentId).toBe('string');
      for (const task of plugin.getScheduledTasks()) {
        expect(task.name).toMatch(/^\S+$/);
        expect(task.intervalSeconds).toBeGreaterThan(0);
        expect(typeof task.run).toBe('function');
      }
      if (isProviderPlugin(plugin)) {
        const adapter = plugin.createAdapter();
        expect(adapter.apis.length).toBeGreaterThan(0);
        for (const api of adapter.apis) expect(['anthropic', 'chat', 'responses']).toContain(api);
      }
      const info = plugin.startupInfo?.();
      if (info) expect(JSON.stringify(info)).not.toMatch(/sk-|Bearer /);
    } finally {
      await bounded(plugin.shutdown(), 'shutdown');
      await services.scheduler.stop(1000);
      await services.close();
    }
  });
});
