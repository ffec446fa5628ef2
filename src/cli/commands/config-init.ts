/**
 * `ccproxy config init [path]`: write a commented TOML file listing every core setting and every
 * discovered plugin's section with defaults and descriptions. Keys are commented out so the file
 * changes nothing until edited (each is valid once uncommented); an existing file is kept unless --force.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { userConfigPath } from '../../core/config/file.js';
import type { ZodLike } from '../../core/config/zod-walk.js';
import { ConfigError } from '../../core/errors.js';
import { UsageError } from '../errors.js';
import { loadContext, type GlobalOptions } from '../context.js';
import { renderTemplate } from '../config-template.js';

export async function configInit(path: string | undefined, opts: GlobalOptions & { force?: boolean }): Promise<void> {
  const target = path ? resolve(opts.cwd ?? process.cwd(), path) : userConfigPath(opts.env ?? process.env);
  if (existsSync(target) && !opts.force) throw new UsageError(`${target} already exists; use --force to overwrite it`);
  const { records } = await loadContext(opts).catch(async (err: unknown) => {
    // The file being replaced may be the broken one: fall back to defaults (built-in plugins).
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`ccproxy: warning: current config ignored (${err.message})\n`);
    return loadContext(opts, true);
  });
  const plugins = records
    .filter((r) => r.plugin)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => ({ name: r.name, description: r.plugin?.description, schema: r.plugin?.configSchema as unknown as ZodLike, provider: r.plugin?.kind === 'provider' }));
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, renderTemplate(plugins), { mode: 0o600 });
  process.stdout.write(`Wrote ${target} (${plugins.length} plugin section${plugins.length === 1 ? '' : 's'})\n`);
}
