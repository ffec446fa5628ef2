/**
 * Which TOML file is the config, and reading it. Order: `--config FILE`, `$CCPROXY_CONFIG`,
 * `./.ccproxy.toml`, `$XDG_CONFIG_HOME/ccproxy/config.toml` (`~/.config` when unset). An explicitly
 * named file must exist; the implicit ones are optional.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { ConfigError } from '../errors.js';
import { describeTomlError } from './toml-errors.js';
import type { Tree } from './tree.js';

export interface FileLocationOptions {
  configFile?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Skip the user-wide file (an explicit env without HOME/XDG_CONFIG_HOME: tests stay isolated). */
  noUserConfig?: boolean;
}

export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME && env.HOME.length > 0 ? env.HOME : homedir();
}

/** `$XDG_CONFIG_HOME/ccproxy/config.toml`, the user-wide config (and `config init`'s default). */
export function userConfigPath(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homeDir(env), '.config');
  return join(base, 'ccproxy', 'config.toml');
}

/** Expand a leading `~/` and make relative paths absolute against `base`. */
export function expandPath(p: string, base: string, env: NodeJS.ProcessEnv): string {
  if (p === '~') return homeDir(env);
  if (p.startsWith('~/')) return join(homeDir(env), p.slice(2));
  return resolve(base, p);
}

/** The config file to read, or undefined when none exists (defaults + env + flags only). */
export function resolveConfigFile(opts: FileLocationOptions): string | undefined {
  const explicit = opts.configFile ?? opts.env.CCPROXY_CONFIG;
  if (explicit) {
    const path = expandPath(explicit, opts.cwd, opts.env);
    const from = opts.configFile ? '--config' : 'CCPROXY_CONFIG';
    if (!existsSync(path)) throw new ConfigError(`Config file not found: ${path} (from ${from})`);
    return path;
  }
  const candidates = [join(opts.cwd, '.ccproxy.toml')];
  if (!opts.noUserConfig) candidates.push(userConfigPath(opts.env));
  for (const candidate of candidates) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function readTomlFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parse(text) as Tree;
  } catch (err) {
    if (err instanceof TomlError) {
      throw new ConfigError(`Invalid TOML in ${path} at ${describeTomlError(err.message, err, text)}`, { cause: err });
    }
    throw new ConfigError(`Invalid TOML in ${path}: ${(err as Error).message}`, { cause: err });
  }
}
