import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Agent, EnvHttpProxyAgent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '../../src/core/config/schema.js';
import { cacheDirFrom, createHttpAgent, createServices } from '../../src/core/services-factory.js';

const settings = SettingsSchema.parse({ plugins: { p: { enabled: true, key: 'v' } } });

describe('createServices', () => {
  it('shares one client, scheduler and bus; gives each plugin a child logger and its raw section', async () => {
    const services = createServices(settings, pino({ level: 'silent' }), { env: { HOME: '/home/u' } });
    const p = services.forPlugin('p');
    expect(p.httpClient).toBe(services.httpClient);
    expect(p.events).toBe(services.events);
    expect(p.scheduler).toBe(services.scheduler);
    expect(p.logger.bindings()).toMatchObject({ plugin: 'p' });
    expect(p.getPluginConfig('p')).toEqual({ enabled: true, key: 'v' });
    expect(p.getPluginConfig('missing')).toEqual({});
    expect(p.cacheDir).toBe('/home/u/.cache/ccproxy');
    // Plugins find HOME-relative credentials through the proxy's environment, not process.env.
    expect(p.env.HOME).toBe('/home/u');
    expect(services.version).toMatch(/^\d+\.\d+\.\d+/);
    await services.close();
  });

  it('puts the cache under XDG_CACHE_HOME when set', () => {
    expect(cacheDirFrom({ XDG_CACHE_HOME: '/x/cache', HOME: '/h' })).toBe('/x/cache/ccproxy');
  });

  it('uses a plain Agent without proxy env, an env proxy agent with it, and loopback bypasses the proxy', async () => {
    const plain = createHttpAgent(settings.http, {});
    expect(plain).toBeInstanceOf(Agent);
    await plain.close();

    const server = createServer((_req, res) => res.end('direct'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    // A proxy that does not exist: reaching the server proves loopback went direct.
    const viaProxy = createHttpAgent(settings.http, { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' });
    expect(viaProxy).toBeInstanceOf(EnvHttpProxyAgent);
    const res = await request(`http://127.0.0.1:${port}/`, { dispatcher: viaProxy });
    expect(await res.body.text()).toBe('direct');
    await viaProxy.close();
    await new Promise((r) => server.close(r));
  });
});
