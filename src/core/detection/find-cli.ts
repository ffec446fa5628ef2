/**
 * Where a CLI is, in one lookup order for every plugin: the configured path (alone: a wrong one is
 * reported, not worked around), else the name on the PATH of the environment the plugin was given
 * (services.env, never process.env read behind its back), else a binary a package ships (e.g. the
 * Agent SDK's native `claude`), resolved from this package's dependencies.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type CliSource = 'config' | 'path' | 'bundled';

export interface FindCliOptions {
  /** The configured path (`cli_path`). */
  configured?: string;
  /** The environment whose PATH is searched. */
  env: NodeJS.ProcessEnv;
  /** Packages that ship the CLI as `<package>/<name>`, tried in order after PATH. */
  bundled?: readonly string[];
}

/** @example findCli('claude', { configured: config.cli_path, env: services.env, bundled: claudeBinaryPackages() }) */
export function findCli(name: string, opts: FindCliOptions): { path: string; source: CliSource } | null {
  if (opts.configured) return isExecutableFile(opts.configured) ? { path: opts.configured, source: 'config' } : null;
  for (const dir of (opts.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (isExecutableFile(file)) return { path: file, source: 'path' };
  }
  const bundled = findBundledCli(name, opts.bundled ?? []);
  return bundled ? { path: bundled, source: 'bundled' } : null;
}

/** The first of `packages` that is installed and ships an executable `name`. */
export function findBundledCli(name: string, packages: readonly string[]): string | null {
  const require = createRequire(import.meta.url);
  const file = process.platform === 'win32' ? `${name}.exe` : name;
  for (const pkg of packages) {
    try {
      const candidate = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
      if (isExecutableFile(candidate)) return candidate;
    } catch {
      // not installed (an optional dependency for another platform)
    }
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The packages the Agent SDK (a dependency of ccproxy) ships its native `claude` in, for this
 * platform: both Claude plugins fall back to it. Named here because plugins share code only
 * through the entry, and the packages resolve from ccproxy's own dependencies.
 */
export function claudeBinaryPackages(): string[] {
  const pkgs = [`@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`];
  if (process.platform === 'linux') pkgs.push(`@anthropic-ai/claude-agent-sdk-linux-${process.arch}-musl`);
  return pkgs;
}
