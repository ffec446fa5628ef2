/**
 * `GET /`: the page a browser lands on (HTML) and the same facts as JSON for anything else:
 * provider base URLs, health, links (docs served under /docs/, links plugins add). It goes
 * through the guards like every route: with `server.auth_token`, nothing without the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderPlugin } from '../../../src/core/plugin.js';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { fakeProvider } from '../helpers/fake-plugin.js';

const TOKEN = 'home-page-token-0123456789';

function withLinks(plugin: ProviderPlugin, links: unknown): ProviderPlugin {
  return Object.assign(plugin, { pageLinks: () => links });
}

describe('GET / on loopback without a token', () => {
  let proxy: RunningProxy;

  beforeAll(async () => {
    const dash = withLinks(fakeProvider({ name: 'dash' }), [{ title: 'Dashboard', path: '/dashboard' }, { title: 'bad', path: 'javascript:alert(1)' }]);
    const worried = fakeProvider({
      name: 'worried',
      apis: ['anthropic'],
      healthCheck: async () => ({ status: 'warn', componentId: 'worried', output: 'log in first <script>alert(1)</script>' }),
    });
    const broken = fakeProvider({ name: 'broken', initialize: async () => { throw new Error('cannot start'); } });
    proxy = await startProxy({ env: {}, plugins: [dash, worried, broken], overrides: { server: { port: 0 }, logging: { level: 'silent' } } });
  });
  afterAll(() => proxy.close());

  it('answers JSON by default: base URLs, APIs, health, links', async () => {
    const res = await fetch(`${proxy.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      name: 'ccproxy',
      base_url: proxy.url,
      status: 'fail',
      providers: [
        { name: 'dash', base_url: `${proxy.url}/dash`, apis: ['anthropic', 'chat', 'responses'], status: 'pass' },
        { name: 'worried', base_url: `${proxy.url}/worried`, apis: ['anthropic'], status: 'warn', output: 'log in first <script>alert(1)</script>' },
      ],
      not_running: [{ name: 'broken', state: 'failed', reason: expect.stringContaining('cannot start') }],
    });
    const links = doc.links as Array<{ title: string; href: string; plugin?: string }>;
    expect(links).toEqual(expect.arrayContaining([
      { title: 'Health (IETF health document)', href: '/health' },
      { title: 'Dashboard', href: '/dash/dashboard', plugin: 'dash' },
      { title: 'Docs: README.md', href: '/docs/README.md' },
      { title: 'Docs: configuration.md', href: '/docs/configuration.md' },
    ]));
    // A link a plugin gives that is not a path under its prefix is left out.
    expect(JSON.stringify(links)).not.toContain('javascript:');
  });

  it('answers HTML to a browser, every plugin-given text escaped', async () => {
    const res = await fetch(`${proxy.url}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain(`<code>${proxy.url}/dash</code>`);
    expect(html).toContain('<a href="/dash/dashboard">Dashboard</a>');
    expect(html).toContain('<a href="/docs/configuration.md">Docs: configuration.md</a>');
    expect(html).toContain('log in first &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('serves the shipped docs by name, and nothing else from the disk', async () => {
    const doc = await fetch(`${proxy.url}/docs/configuration.md`);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await doc.text()).toMatch(/^# Configuration/);
    for (const path of ['/docs/..%2Fpackage.json', '/docs/package.json', '/docs/%2E%2E%2FREADME.md']) {
      expect((await fetch(`${proxy.url}${path}`)).status).toBe(404);
    }
  });
});

describe('GET / with server.auth_token', () => {
  let proxy: RunningProxy;

  beforeAll(async () => {
    proxy = await startProxy({ env: {}, plugins: [fakeProvider({ name: 'secretive' })], overrides: { server: { port: 0, auth_token: TOKEN }, logging: { level: 'silent' } } });
  });
  afterAll(() => proxy.close());

  it('tells an unauthenticated caller nothing; the token holder gets the page, without the token on it', async () => {
    for (const accept of ['application/json', 'text/html']) {
      const res = await fetch(`${proxy.url}/`, { headers: { accept } });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('secretive');
    }
    expect((await fetch(`${proxy.url}/docs/README.md`)).status).toBe(401);
    const ok = await fetch(`${proxy.url}/`, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/html' } });
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain('secretive');
    expect(html).not.toContain(TOKEN);
  });
});
