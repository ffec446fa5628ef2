/**
 * The example external plugin (examples/echo-plugin, npm name ccproxy-plugin-echo) found the way an
 * installed package is: through node_modules and its package.json `ccproxy.plugin` field, never a
 * relative import. Then served on a real server.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/core/config/load.js';
import { discoverPlugins } from '../../src/core/loader/index.js';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';

const ECHO_DIR = fileURLToPath(new URL('../../examples/echo-plugin/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
const logger = pino({ level: 'silent' });
let dir: string;
let empty: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccproxy-pkg-'));
  empty = join(dir, 'no-builtins');
  await mkdir(empty);
  await mkdir(join(dir, 'node_modules', '@acme', 'scoped'), { recursive: true });
  await symlink(ECHO_DIR, join(dir, 'node_modules', 'ccproxy-plugin-echo'), 'dir');
  // A scoped package whose entry re-exports a fixture plugin.
  const scoped = join(dir, 'node_modules', '@acme', 'scoped');
  await writeFile(join(scoped, 'package.json'), JSON.stringify({ name: '@acme/scoped', version: '2.0.0', ccproxy: { plugin: './entry.mjs' } }));
  await writeFile(join(scoped, 'entry.mjs'), `export { Plugin } from ${JSON.stringify(join(FIXTURES, 'nested', 'alpha_sub', 'plugin.mjs'))};\n`);
  // Not a plugin: no ccproxy field.
  await mkdir(join(dir, 'node_modules', 'left-pad'));
  await writeFile(join(dir, 'node_modules', 'left-pad', 'package.json'), '{"name":"left-pad","version":"1.0.0"}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm package plugins', () => {
  it('discovers the echo example and scoped packages from the cwd node_modules', async () => {
    const { settings } = await loadSettings({ cwd: dir, env: {} });
    const records = await discoverPlugins(settings, { logger, cwd: dir, builtinDir: empty });
    const echo = records.find((r) => r.name === 'echo');
    expect(echo).toMatchObject({ source: 'package', state: 'discovered', version: '0.1.0' });
    expect(echo?.location).toBe(join(dir, 'node_modules', 'ccproxy-plugin-echo', 'plugin.js'));
    expect(echo?.plugin?.routerPrefix).toBe('/echo');
    expect(records.find((r) => r.name === 'alpha_sub')).toMatchObject({ source: 'package', state: 'discovered' });
    expect(records.some((r) => r.name === 'left-pad')).toBe(false);
  });

  describe('served by the runtime', () => {
    let proxy: RunningProxy;
    beforeAll(async () => {
      proxy = await startProxy({
        cwd: dir,
        env: {},
        overrides: { server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['echo'], plugins: { echo: { prefix_text: 'echo: ' } } },
        discovery: { builtinDir: empty },
      });
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it('answers POST /echo/v1/chat/completions with the last user message', async () => {
      const res = await request(`${proxy.url}/echo/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo-1', messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'x' }, { role: 'user', content: [{ type: 'text', text: 'hello' }] }] }),
      });
      expect(res.statusCode).toBe(200);
      const body = await res.body.json() as { object: string; choices: Array<{ message: { content: string }; finish_reason: string }> };
      expect(body.object).toBe('chat.completion');
      expect(body.choices[0]).toMatchObject({ message: { content: 'echo: hello' }, finish_reason: 'stop' });
      expect(proxy.registry.get('echo')).toMatchObject({ state: 'active', source: 'package' });
    });

    it('streams when asked and reports health', async () => {
      const res = await request(`${proxy.url}/echo/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo-1', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.headers['content-type']).toContain('text/event-stream');
      const text = await res.body.text();
      expect(text).toContain('"content":"echo: hi"');
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      const health = await request(`${proxy.url}/health`);
      const doc = await health.body.json() as { status: string };
      expect(health.statusCode).toBe(200);
      expect(doc.status).toBe('pass');
    });
  });
});
