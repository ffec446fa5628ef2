/** startProxy wiring: plugin states, prefixes, tasks in /plugins, per-plugin services, bounded shutdown. */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startProxy, isLoopbackHost } from '../../src/core/runtime.js';
import { ConfigError } from '../../src/core/errors.js';
import type { CoreServices } from '../../src/core/services.js';
import type { AdapterRequest } from '../../src/core/adapter.js';
import { fakeProvider } from './helpers/fake-plugin.js';
import { json, rawRequest } from './helpers/http-client.js';

const base = { env: {}, overrides: { server: { port: 0 }, logging: { level: 'silent' } } };

describe('startProxy', () => {
  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('192.168.1.2')).toBe(false);
  });

  it('refuses duplicate prefixes and malformed prefixes with a clear message', async () => {
    const dup = await startProxy({ ...base, plugins: [fakeProvider({ name: 'a', prefix: '/x' }), fakeProvider({ name: 'b', prefix: '/x' })] }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ConfigError);
    expect((dup as Error).message).toMatch(/"a" .*and "b" .*both use route prefix "\/x"/);
    const bad = await startProxy({ ...base, plugins: [fakeProvider({ name: 'a', prefix: 'x' })] }).catch((e: unknown) => e);
    expect((bad as Error).message).toMatch(/must start with "\/"/);
    const twice = await startProxy({ ...base, plugins: [fakeProvider({ name: 'a', prefix: '/a' }), fakeProvider({ name: 'a', prefix: '/b' })] }).catch((e: unknown) => e);
    expect((twice as Error).message).toMatch(/Two plugins are named "a"/);
  });

  it('honors plugins.<name>.enabled = false, nests prefixes, exposes tasks and gives each plugin its own logger', async () => {
    let services: CoreServices | undefined;
    const claude = fakeProvider({
      name: 'outer', prefix: '/claude',
      initialize: async (s) => {
        services = s;
      },
      tasks: [{ name: 'outer_refresh', intervalSeconds: 3600, skipInitialRun: true, run: async () => true }],
    });
    const sdk = fakeProvider({ name: 'inner', prefix: '/claude/sdk' });
    const off = fakeProvider({ name: 'off', prefix: '/off' });
    const proxy = await startProxy({
      env: {},
      overrides: { server: { port: 0 }, logging: { level: 'silent' }, plugins: { off: { enabled: false } } },
      plugins: [claude, sdk, off],
    });
    try {
      expect(services?.getPluginConfig('off')).toEqual({ enabled: false });
      expect((services?.logger.bindings() as { plugin?: string }).plugin).toBe('outer');
      const doc = json(await rawRequest(`${proxy.url}/plugins`)) as { plugins: Array<Record<string, unknown>> };
      const byName = Object.fromEntries(doc.plugins.map((p) => [p.name, p]));
      expect(byName.off).toMatchObject({ state: 'disabled' });
      expect(byName.outer!.tasks).toMatchObject([{ name: 'outer_refresh', owner: 'outer', running: false, consecutiveFailures: 0 }]);
      expect((await rawRequest(`${proxy.url}/claude/sdk/v1/messages`, { method: 'POST', body: '{}' })).status).toBe(200);
      expect((await rawRequest(`${proxy.url}/claude/v1/messages`, { method: 'POST', body: '{}' })).status).toBe(200);
      expect(sdk.calls).toHaveLength(1);
      expect(claude.calls).toHaveLength(1);
      expect((await rawRequest(`${proxy.url}/off/v1/messages`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await rawRequest(`${proxy.url}/health/ready`)).status).toBe(200);
      const health = json(await rawRequest(`${proxy.url}/health`)) as { status: string; checks: Record<string, unknown[]> };
      expect(health.status).toBe('pass');
      expect(health.checks['task:outer_refresh']).toMatchObject([{ status: 'pass', componentType: 'task', details: { owner: 'outer' } }]);
    } finally {
      await proxy.close();
    }
    expect(claude.shutdowns).toBe(1);
    expect(off.shutdowns).toBe(0);
  });

  it('refuses a route conflict between two plugins at startup', async () => {
    const a = fakeProvider({ name: 'a', prefix: '/x', apis: ['anthropic'] });
    const b = fakeProvider({ name: 'b', prefix: '/x/v1', apis: [] });
    b.getRoutes = () => async (app) => {
      app.post('/messages', async () => ({}));
    };
    const err = await startProxy({ ...base, plugins: [a, b] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/Route conflict/);
    expect(a.shutdowns).toBe(1);
  });

  it('mounts a plugin\'s root routes outside its prefix, behind the guards, listed as its routes; a root path the core serves refuses startup', async () => {
    const p = fakeProvider({ name: 'rooted', prefix: '/rooted', apis: ['anthropic'] });
    p.getRootRoutes = () => async (app) => {
      app.get('/approvals', async () => ({ from: 'rooted' }));
    };
    const proxy = await startProxy({ env: {}, overrides: { server: { port: 0, auth_token: 'tok' }, logging: { level: 'silent' } }, plugins: [p] });
    try {
      expect((await rawRequest(`${proxy.url}/approvals`)).status).toBe(401);
      expect(json(await rawRequest(`${proxy.url}/approvals`, { headers: { authorization: 'Bearer tok' } }))).toEqual({ from: 'rooted' });
      expect((await rawRequest(`${proxy.url}/rooted/approvals`, { headers: { authorization: 'Bearer tok' } })).status).toBe(404);
      expect(proxy.registry.get('rooted')?.routes).toEqual(['POST /rooted/v1/messages', 'GET /rooted/v1/models', 'GET /approvals']);
    } finally {
      await proxy.close();
    }

    const clash = fakeProvider({ name: 'clash', apis: [] });
    clash.getRootRoutes = () => async (app) => {
      app.get('/health', async () => ({}));
    };
    const err = await startProxy({ ...base, plugins: [clash] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/Route conflict/);
  });

  it('marks a plugin failed when validate() returns false', async () => {
    const p = fakeProvider({ name: 'v' });
    p.validate = async () => false;
    const proxy = await startProxy({ ...base, plugins: [p] });
    try {
      expect(proxy.registry.get('v')).toMatchObject({ state: 'failed', reason: 'validation failed' });
    } finally {
      await proxy.close();
    }
  });

  it('after shutdown_timeout, aborts in-flight streams, then shuts plugins down', async () => {
    let signal: AbortSignal | undefined;
    const p = fakeProvider({
      name: 'endless',
      handle: async (req: AdapterRequest) => {
        signal = req.signal;
        const events = (async function* () {
          while (!req.signal.aborted) {
            yield 'data: {}\n\n';
            await new Promise((r) => setTimeout(r, 20));
          }
        })();
        return { kind: 'stream', status: 200, events };
      },
    });
    const proxy = await startProxy({ env: {}, overrides: { server: { port: 0, shutdown_timeout: 0.3 }, logging: { level: 'silent' } }, plugins: [p] });
    const ended = new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/endless/v1/messages`, { method: 'POST', agent: false }, (res) => {
        res.once('data', () => void proxy.close());
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end('{"stream":true}');
    });
    // The stream is endless: it ends only because shutdown aborted it.
    await ended;
    await proxy.close();
    expect(signal?.aborted).toBe(true);
    expect(p.shutdowns).toBe(1);
  });
});
