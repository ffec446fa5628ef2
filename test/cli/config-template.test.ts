/**
 * `ccproxy config init` writes a template whose every `# key = value` line is valid once
 * uncommented: each alone, and all of them together, load with the built-in plugins (none
 * fails its schema) and name only providers that exist.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configInit } from '../../src/cli/commands/config-init.js';
import pino from 'pino';
import { loadSettings } from '../../src/core/config/load.js';
import { discoverPlugins } from '../../src/core/loader/index.js';

const logger = pino({ level: 'silent' });
let dir: string;
let template: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccproxy-template-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  await configInit('template.toml', { env: { HOME: dir }, cwd: dir });
  vi.restoreAllMocks();
  template = (await readFile(join(dir, 'template.toml'), 'utf8')).split('\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Indexes of the setting lines: `# key = value` (descriptions are `## ...`). */
function settingLines(lines: string[]): number[] {
  return lines.flatMap((l, i) => (/^# [^#]/.test(l) ? [i] : []));
}

/** Load the template with these lines uncommented; the problems a user would meet, if any. */
async function problemsWith(uncommented: number[], name: string): Promise<string[]> {
  const lines = template.map((l, i) => (uncommented.includes(i) ? l.slice(2) : l));
  const file = join(dir, `${name}.toml`);
  await writeFile(file, lines.join('\n'));
  try {
    const loaded = await loadSettings({ configFile: file, env: { HOME: dir }, cwd: dir });
    const records = await discoverPlugins(loaded.settings, { logger, cwd: dir, nodeModulesDirs: [] });
    const problems = records.filter((r) => r.state === 'failed').map((r) => `${r.name}: ${r.reason ?? ''}`);
    const providers = records.filter((r) => r.plugin?.kind === 'provider').map((r) => r.name);
    const { routing } = loaded.settings;
    for (const p of [routing.default, ...routing.fallbacks]) if (p !== undefined && !providers.includes(p)) problems.push(`routing names unknown provider ${p}`);
    return problems;
  } catch (err) {
    return [(err as Error).message];
  }
}

describe('config init template', () => {
  it('has a setting line for every key, each valid alone', async () => {
    const settings = settingLines(template);
    expect(settings.length).toBeGreaterThan(80);
    expect(template.join('\n')).toContain('\n# auth_token = "');
    const failures: string[] = [];
    for (const i of settings) {
      const problems = await problemsWith([i], 'one');
      if (problems.length) failures.push(`${template[i]} -> ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('is valid with every setting uncommented at once', async () => {
    expect(await problemsWith(settingLines(template), 'all')).toEqual([]);
  });
});
