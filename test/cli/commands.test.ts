/**
 * The CLI commands in-process (the subprocess tests cover the real binary; these cover the
 * branches and keep the code measured by coverage).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { parse } from 'smol-toml';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { renderBanner } from '../../src/cli/banner.js';
import { renderTemplate, tomlValue } from '../../src/cli/config-template.js';
import { authCommand } from '../../src/cli/commands/auth.js';
import { configInit } from '../../src/cli/commands/config-init.js';
import { configShow, maskValue } from '../../src/cli/commands/config-show.js';
import { pluginsList, pluginsSettings } from '../../src/cli/commands/plugins.js';
import { flagOverrides } from '../../src/cli/commands/serve.js';
import { reportError } from '../../src/cli/errors.js';
import { buildProgram } from '../../src/cli/program.js';
import { table } from '../../src/cli/table.js';
import type { ZodLike } from '../../src/core/config/zod-walk.js';
import { typeName } from '../../src/core/config/zod-walk.js';
import type { PluginRecord } from '../../src/core/loader/types.js';
import type { ProviderPlugin } from '../../src/core/plugin.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
let dir: string;
let config: string;
let out = '';
let err = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccproxy-cmd-'));
  config = join(dir, 'c.toml');
  await writeFile(config, [
    `plugin_dirs = [${JSON.stringify(join(FIXTURES, 'good'))}, ${JSON.stringify(join(FIXTURES, 'auth'))}, ${JSON.stringify(join(FIXTURES, 'throws'))}]`,
    '[plugins.alpha]',
    'api_key = "sk-very-secret"',
    '[plugins.ghost]',
    'x = 1',
    '',
  ].join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(): void {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err += String(chunk); return true; });
}
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const opts = (): { config: string; env: NodeJS.ProcessEnv; cwd: string } => ({ config, env: { HOME: dir }, cwd: dir });

describe('commands in-process', () => {
  it('plugins list and settings', async () => {
    capture();
    await pluginsList(opts());
    expect(out).toMatch(/alpha\s+1\.2\.3\s+provider\s+\/alpha\s+enabled\s+directory/);
    expect(out).toMatch(/boom\s+-\s+-\s+-\s+failed/);
    capture();
    await pluginsSettings('core', opts());
    expect(out).toContain('logging.level\n  type:    "fatal" | "error"');
    expect(out).toContain('enabled_plugins\n  type:    string[]\n  default: (none)');
    capture();
    await pluginsSettings('kd', opts());
    expect(out).toContain('Section [plugins.keyed]');
    await expect(pluginsSettings('boom', opts())).rejects.toThrow(/could not be loaded: import failed/);
  });

  it('config show masks secrets, keeps sections no loaded plugin owns (one failed to import)', async () => {
    capture();
    await configShow({ ...opts(), env: { HOME: dir, PLUGINS__KEYED__ACCOUNT: 'acc' } });
    expect(out).toMatch(/plugins\.alpha\.api_key\s+file\s+\*{8}/);
    expect(out).not.toContain('sk-very-secret');
    expect(out).toMatch(/plugins\.ghost\.x\s+file\s+1/);
    expect(out).toMatch(/plugins\.keyed\.account\s+env PLUGINS__KEYED__ACCOUNT\s+"acc"/);
    expect(maskValue('server.auth_token', '')).toBe('""');
    expect(maskValue('plugins.x.token_url', 'u')).toBe('"u"');
  });

  it('config show marks a plugin value its schema refuses, with the reason, and exits 1', async () => {
    capture();
    await configShow({ ...opts(), env: { HOME: dir, PLUGINS__ALPHA__COUNT: 'x' } });
    expect(out).toMatch(/KEY\s+SOURCE\s+VALUE\s+PROBLEM\n/);
    expect(out).toMatch(/plugins\.alpha\.count\s+env PLUGINS__ALPHA__COUNT\s+"x"\s+INVALID: expected number, got "x"\n/);
    expect(out).toMatch(/plugins\.alpha\.api_key\s+file\s+\*{8}\n/);
    expect(out).toContain('1 invalid value: plugin alpha will not start.');
    expect(process.exitCode).toBe(1);
  });

  it('config init renders a template that parses and loads', async () => {
    capture();
    const target = join(dir, 'out.toml');
    await configInit('out.toml', { ...opts(), force: true });
    expect(out).toContain(`Wrote ${target}`);
    const text = await readFile(target, 'utf8');
    expect(parse(text)).toMatchObject({ server: {}, plugins: { alpha: { upstream: {} }, keyed: {} } });
    await expect(configInit(target, opts())).rejects.toThrow(/already exists/);
    // Regenerating over a broken config still works (with the built-in plugins only).
    const broken = join(dir, 'broken.toml');
    await writeFile(broken, '[server]\nport = "x"\n');
    capture();
    await configInit(broken, { ...opts(), config: broken, force: true });
    expect(err).toContain('warning: current config ignored (Invalid config: server.port');
    expect(parse(await readFile(broken, 'utf8'))).toMatchObject({ server: {} });
  });

  it('auth dispatches by alias and reports status through the exit code', async () => {
    capture();
    await authCommand('login', 'kd', { ...opts(), browser: false });
    expect(out).toContain('login account=default-account noBrowser=true');
    capture();
    await authCommand('status', 'keyed', opts());
    expect(out).toBe('not logged in (default-account)\n');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    capture();
    await authCommand('logout', 'kd', opts());
    expect(out).toBe('logged out\n');
    await expect(authCommand('login', 'alpha', opts())).rejects.toThrow(/has no login \(plugins with one: .*keyed/);
    await expect(authCommand('login', 'nobody', opts())).rejects.toThrow(/No plugin named "nobody"/);
  });
});

describe('serve banner', () => {
  const provider = (name: string, apis: string[], extra: Partial<ProviderPlugin> = {}): ProviderPlugin => ({
    kind: 'provider', name, version: '1', routerPrefix: `/${name}`,
    createAdapter: () => ({ apis, handle: async () => ({ kind: 'json', status: 200, body: {} }), listModels: async () => [] }),
    ...extra,
  } as unknown as ProviderPlugin);
  const record = (plugin: ProviderPlugin, state: PluginRecord['state'] = 'active', reason?: string): PluginRecord =>
    ({ name: plugin.name, source: 'builtin', location: '/x', plugin, state, reason });

  it('lists providers, credential status and paste-ready lines', () => {
    const text = renderBanner({
      url: 'http://127.0.0.1:8000', version: '9.9.9', authRequired: false,
      records: [
        record(provider('claude', ['anthropic', 'chat'], { startupInfo: () => ({ lines: ['plan: max'], credentials: { ok: true, message: 'found' } }) })),
        record(provider('codex', ['responses'], { startupInfo: () => { throw new Error('oops'); } })),
        record(provider('broken', ['chat'], { createAdapter: () => { throw new Error('no'); } })),
        record(provider('off', ['chat']), 'disabled', 'listed in disabled_plugins'),
      ],
    });
    expect(text).toContain('ccproxy 9.9.9 listening on http://127.0.0.1:8000');
    expect(text).toContain('http://127.0.0.1:8000/claude  (anthropic, chat)');
    expect(text).toContain('plan: max');
    expect(text).toContain('credentials: ok - found');
    expect(text).toContain('could not describe itself: oops');
    expect(text).toContain('(no model APIs)');
    expect(text).toContain('off          disabled: listed in disabled_plugins');
    expect(text).toContain('  ANTHROPIC_API_KEY=unused ANTHROPIC_BASE_URL=http://127.0.0.1:8000/claude claude');
    expect(text).toContain('base_url = "http://127.0.0.1:8000/codex/v1"');
    expect(text).toContain('export CCPROXY_API_KEY=unused');
    expect(text).toContain('[model_providers.ccproxy_codex]');
  });

  it('paste lines only for providers that can serve; with none, one line says what to do first', () => {
    const missing = (fix: string) => ({ startupInfo: () => ({ credentials: { ok: false, message: 'no login', fix } }) });
    const none = renderBanner({
      url: 'http://127.0.0.1:8000', version: '1', authRequired: false,
      records: [
        record(provider('claude_api', ['anthropic', 'chat', 'responses'], missing('ccproxy auth login claude'))),
        record(provider('claude_sdk', ['anthropic'], missing('run `claude`, then /login in it'))),
        record(provider('openai', ['chat', 'responses'], { startupInfo: () => ({ credentials: { ok: false, message: 'not configured' } }) })),
      ],
    });
    expect(none).toContain('credentials: MISSING - no login\n      fix: ccproxy auth login claude');
    expect(none).toContain('No provider can serve requests yet. First: ccproxy auth login claude (claude_api); or run `claude`, then /login in it (claude_sdk).');
    expect(none).not.toContain('Claude Code:');
    expect(none).not.toContain('Codex:');
    expect(none).not.toContain('ANTHROPIC_BASE_URL');

    const some = renderBanner({
      url: 'http://127.0.0.1:8000', version: '1', authRequired: false,
      records: [
        record(provider('claude_api', ['anthropic', 'responses'], missing('ccproxy auth login claude'))),
        record(provider('codex', ['anthropic', 'responses'], { startupInfo: () => ({ credentials: { ok: true, message: 'me@example.com' } }) })),
      ],
    });
    expect(some).not.toContain('First:');
    expect(some).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:8000/codex claude');
    expect(some).not.toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:8000/claude claude');
    expect(some).toContain('[model_providers.ccproxy_codex]');
    expect(some).not.toContain('[model_providers.ccproxy_claude_api]');
  });

  it('says so when no provider is active', () => {
    expect(renderBanner({ url: 'http://h:1', version: '1', authRequired: true, records: [] })).toContain('No provider is active');
  });
});

describe('helpers', () => {
  it('flagOverrides keeps only given flags', () => {
    expect(flagOverrides({})).toEqual({});
    expect(flagOverrides({ host: '::1', port: 0, logLevel: 'debug', config: 'x' })).toEqual({ server: { host: '::1', port: 0 }, logging: { level: 'debug' } });
  });

  it('reportError prints one line, the stack only with debug', () => {
    capture();
    expect(reportError(new Error('bad thing\nmore'), false)).toBe(1);
    expect(err).toBe('ccproxy: bad thing\n');
    capture();
    reportError(new Error('bad'), true);
    expect(err).toMatch(/ccproxy: bad\nError: bad\n\s+at /);
    capture();
    reportError('plain', false);
    expect(err).toBe('ccproxy: plain\n');
  });

  it('table aligns columns', () => {
    expect(table(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\nxxx  y\n');
  });

  it('tomlValue and typeName cover every value shape', () => {
    expect(tomlValue({ 'claude-*': 'x', a: [1, true], n: undefined, e: {} })).toBe('{ "claude-*" = "x", a = [1, true], e = {} }');
    expect(tomlValue(Infinity)).toBe('0');
    expect(tomlValue(null)).toBe('""');
    const t = (s: z.ZodType): string => typeName(s as unknown as ZodLike);
    expect(t(z.union([z.string(), z.object({ a: z.string() })]).array())).toBe('(string | object)[]');
    expect(t(z.literal('x'))).toBe('"x"');
    expect(t(z.record(z.string(), z.number()))).toBe('map<string, number>');
    expect(t(z.string().transform((s) => s.length))).toBe('string');
    const text = renderTemplate([{ name: 'demo', schema: z.object({ m: z.record(z.string(), z.string()).optional(), n: z.number().optional() }) as unknown as ZodLike }]);
    expect(text).toContain('# m = {}');
    expect(text).toContain('# n = 1');
    // A sub-table that needs keys gets dotted keys in its parent, never a header that breaks alone.
    const needs = renderTemplate([{ name: 'd', schema: z.object({ sub: z.object({ key: z.string() }), ok: z.object({ k: z.string().default('') }) }) as unknown as ZodLike }]);
    expect(needs).toContain('\n[plugins.d]\n## sub.key (no default; example). string; env PLUGINS__D__SUB__KEY\n# sub.key = "example"\n');
    expect(needs).not.toContain('[plugins.d.sub]');
    expect(needs).toContain('\n[plugins.d.ok]');
  });

  it('the program rejects a bad port and prints help', async () => {
    capture();
    const program = buildProgram((p) => p.exitOverride().configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } }));
    await expect(program.parseAsync(['node', 'ccproxy', 'serve', '--port', 'abc'])).rejects.toBeInstanceOf(CommanderError);
    expect(err).toContain('expected a port number');
    const help = buildProgram((p) => p.exitOverride().configureOutput({ writeOut: (s) => { out += s; } }));
    await expect(help.parseAsync(['node', 'ccproxy', 'auth', 'login', '--help'])).rejects.toBeInstanceOf(CommanderError);
    expect(out).toContain('--no-browser');
  });
});
