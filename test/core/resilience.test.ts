/**
 * One bad plugin never takes the proxy down: plugins found by the real loader in a `plugin_dirs`
 * entry, one that throws at import, one with invalid config, one whose initialize() hangs and one
 * whose healthCheck() hangs, sit next to a good one. The server starts, serves the good one,
 * /plugins says why the others failed and /health answers within its bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { json, rawRequest } from './helpers/http-client.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/resilience/', import.meta.url));
let proxy: RunningProxy;
let emptyBuiltins = '';

beforeAll(async () => {
  emptyBuiltins = await mkdtemp(join(tmpdir(), 'ccproxy-builtins-'));
  // res_hang_init and res_hang_health never answer: startup and /health end only by their bounds.
  // The bounds are far above what the good plugins need, even on a loaded machine.
  proxy = await startProxy({
    env: {},
    overrides: {
      server: { port: 0 },
      logging: { level: 'silent' },
      plugin_init_timeout: 5,
      health_timeout: 5,
      plugin_dirs: [FIXTURES],
      plugins: { res_bad_config: { api_key: ['not', 'a', 'string'] } },
    },
    discovery: { builtinDir: emptyBuiltins, nodeModulesDirs: [] },
  });
});
afterAll(async () => {
  await proxy?.close();
  await rm(emptyBuiltins, { recursive: true, force: true });
});

describe('resilience to bad plugins', () => {
  it('starts within the init bound and serves the good plugins', async () => {
    const r = await rawRequest(`${proxy.url}/res-good/v1/messages`, { method: 'POST', body: '{"model":"m"}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    const h = await rawRequest(`${proxy.url}/res-hang-health/v1/chat/completions`, { method: 'POST', body: '{"model":"m"}' });
    expect(h.status).toBe(200);
    const dead = await rawRequest(`${proxy.url}/res-hang-init/v1/messages`, { method: 'POST', body: '{}' });
    expect(dead.status).toBe(404);
  });

  it('/plugins says which failed and why', async () => {
    const doc = json(await rawRequest(`${proxy.url}/plugins`)) as { plugins: Array<Record<string, unknown>> };
    const byName = Object.fromEntries(doc.plugins.map((p) => [p.name, p]));
    expect(byName.res_good).toMatchObject({ state: 'active', prefix: '/res-good' });
    expect(byName.res_good!.routes).toContain('POST /res-good/v1/messages');
    expect(byName.res_bad_config).toMatchObject({ state: 'failed' });
    expect(String(byName.res_bad_config!.reason)).toMatch(/plugins\.res_bad_config\.api_key/);
    expect(byName.res_hang_init).toMatchObject({ state: 'failed' });
    expect(String(byName.res_hang_init!.reason)).toMatch(/initialize timed out after 5s/);
    expect(byName.res_hang_health).toMatchObject({ state: 'active' });
    expect(byName.res_throws_import).toMatchObject({ state: 'failed', source: 'directory' });
    expect(String(byName.res_throws_import!.reason)).toMatch(/import failed: fixture: res_throws_import exploded at import/);
  });

  it('/health answers within its bound with fail for the bad ones', async () => {
    const r = await rawRequest(`${proxy.url}/health`);
    expect(r.status).toBe(503);
    expect(r.headers['content-type']).toContain('application/health+json');
    const doc = json(r) as { status: string; serviceId: string; checks: Record<string, Array<{ status: string; output?: string }>> };
    expect(doc).toMatchObject({ status: 'fail', serviceId: 'ccproxy' });
    expect(doc.checks['plugin:res_good']![0]!.status).toBe('pass');
    expect(doc.checks['plugin:res_hang_health']![0]).toMatchObject({ status: 'fail', output: expect.stringMatching(/timed out/) });
    expect(doc.checks['plugin:res_hang_init']![0]).toMatchObject({ status: 'fail', output: expect.stringMatching(/initialize timed out/) });
    expect(doc.checks['plugin:res_throws_import']![0]).toMatchObject({ status: 'fail', output: expect.stringMatching(/import failed/) });
    expect(doc.checks['plugin:res_bad_config']![0]).toMatchObject({ status: 'fail', output: expect.stringMatching(/Invalid config for plugin res_bad_config/) });
  });

  it('/health/live passes, /health/ready reports the failed plugins', async () => {
    expect((await rawRequest(`${proxy.url}/health/live`)).status).toBe(200);
    const ready = await rawRequest(`${proxy.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect((json(ready) as { failed: string[] }).failed.sort()).toEqual(['res_bad_config', 'res_hang_init', 'res_throws_import']);
  });
});
