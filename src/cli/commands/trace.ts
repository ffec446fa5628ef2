/**
 * `ccproxy trace list` and `ccproxy trace show <id>`: the request tracer's folders (see
 * src/plugins/request_tracer/files.ts), newest first, and one exchange in reading order.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadSettings } from '../../core/config/load.js';
import { stateDirFrom } from '../../core/dirs.js';
import { RequestTracerConfigSchema } from '../../plugins/request_tracer/config.js';
import { META, exchangeOrder, folderName, traceDir } from '../../plugins/request_tracer/files.js';
import type { GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { table } from '../table.js';

async function tracesRoot(opts: GlobalOptions): Promise<{ root: string; enabled: boolean }> {
  const env = opts.env ?? process.env;
  const { settings } = await loadSettings({ configFile: opts.config, env, cwd: opts.cwd });
  const config = RequestTracerConfigSchema.parse(settings.plugins.request_tracer ?? {});
  return { root: traceDir(config.dir, stateDirFrom(env)), enabled: config.enabled };
}

function meta(dir: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path.join(dir, META), 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function traceList(opts: GlobalOptions & { limit?: number }): Promise<void> {
  const { root, enabled } = await tracesRoot(opts);
  const names = existsSync(root) ? readdirSync(root) : [];
  if (names.length === 0) {
    process.stdout.write(`No traces in ${root}.${enabled ? '' : ' The request tracer is off: set [plugins.request_tracer] enabled = true and restart the proxy.'}\n`);
    return;
  }
  const rows = names
    .map((name) => ({ name, at: statSync(path.join(root, name)).mtimeMs, m: meta(path.join(root, name)) }))
    .sort((a, b) => b.at - a.at)
    .slice(0, opts.limit ?? 50)
    .map(({ name, m }) => [name, String(m.time ?? '(in progress)'), String(m.provider ?? '-'), String(m.model ?? '-'), String(m.status ?? '-'), m.duration_ms === undefined ? '-' : `${Math.round(Number(m.duration_ms))}ms`]);
  process.stdout.write(table(['REQUEST ID', 'TIME', 'PROVIDER', 'MODEL', 'STATUS', 'DURATION'], rows));
}

export async function traceShow(id: string, opts: GlobalOptions): Promise<void> {
  const { root } = await tracesRoot(opts);
  const dir = path.join(root, folderName(id));
  if (!existsSync(dir)) throw new UsageError(`No trace "${id}" in ${root}; "ccproxy trace list" lists them`);
  for (const file of exchangeOrder(readdirSync(dir))) {
    process.stdout.write(`===== ${file}\n${readFileSync(path.join(dir, file), 'utf8')}\n`);
  }
  const m = meta(dir);
  if (Object.keys(m).length) process.stdout.write(`===== ${META}\n${JSON.stringify(m, null, 2)}\n`);
}
