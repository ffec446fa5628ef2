/**
 * definePlugin(): a definition and a setup make a plugin the loader accepts like a class written
 * against the protocol; the core mounts a provider's model routes from its adapter, runs setup
 * with the validated config, reports health, and calls close once on shutdown.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { conformanceProblem } from '../../src/core/loader/instantiate.js';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import { PluginError, ProviderConfigSchema, definePlugin, z, type ProviderAdapter } from '../../src/plugin.js';
import { json, rawRequest } from './helpers/http-client.js';

const closes: string[] = [];
const EchoConfig = ProviderConfigSchema.extend({ greeting: z.string().default('hello') });

const Echo = definePlugin({
  kind: 'provider',
  name: 'echo_defined',
  version: '1.2.3',
  prefix: '/echo',
  config: EchoConfig,
  async setup({ config }) {
    const adapter: ProviderAdapter = {
      apis: ['chat'],
      handle: async () => ({ kind: 'json', status: 200, body: { greeting: config.greeting } }),
      listModels: async () => [{ id: 'echo-1' }],
    };
    return {
      adapter,
      health: () => ({ status: 'pass', componentId: 'echo_defined', output: config.greeting }),
      tasks: () => [{ name: 'echo_defined_tick', intervalSeconds: 3600, skipInitialRun: true, run: async () => undefined }],
      async close() {
        closes.push('echo_defined');
      },
    };
  },
});

const Quiet = definePlugin({
  kind: 'plugin',
  name: 'quiet_defined',
  version: '0.0.1',
  config: z.object({ enabled: z.boolean().default(true) }),
  async setup() {
    return {};
  },
});

let proxy: RunningProxy | undefined;
afterAll(() => proxy?.close());

describe('definePlugin', () => {
  it('makes a class the loader protocol check accepts, with the declared fields', () => {
    const p = new Echo();
    expect(conformanceProblem(p)).toBeUndefined();
    expect(conformanceProblem(new Quiet())).toBeUndefined();
    expect(p).toMatchObject({ kind: 'provider', name: 'echo_defined', version: '1.2.3', routerPrefix: '/echo' });
    expect(() => p.createAdapter()).toThrow(PluginError);
    expect(() => p.createAdapter()).toThrow('echo_defined plugin used before initialize()');
  });

  it('serves the adapter under its prefix with the validated config, reports health and tasks, and closes once', async () => {
    const echo = new Echo();
    proxy = await startProxy({
      env: {},
      overrides: { server: { port: 0 }, logging: { level: 'silent' }, plugins: { echo_defined: { greeting: 'hi there' } } },
      plugins: [echo, new Quiet()],
    });
    const r = await rawRequest(`${proxy.url}/echo/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'echo-1', messages: [] }), headers: { 'content-type': 'application/json' } });
    expect(json(r)).toEqual({ greeting: 'hi there' });
    expect(await echo.healthCheck()).toMatchObject({ status: 'pass', output: 'hi there' });
    expect(echo.getScheduledTasks().map((t) => t.name)).toEqual(['echo_defined_tick']);
    expect(echo.startupInfo()).toEqual({});
    await proxy.close();
    proxy = undefined;
    await echo.shutdown();
    expect(closes).toEqual(['echo_defined']);
    expect(await echo.healthCheck()).toMatchObject({ status: 'fail' });
  });
});
