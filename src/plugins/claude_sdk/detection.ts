/**
 * Finds the Claude Code CLI and learns what it can: where it is, its version, whether it is logged
 * in. Runs in the background (never delays startup) and again on the hourly refresh task.
 *
 * Lookup order: `cli_path` from config, else `claude` on PATH, else the native binary the Agent SDK
 * ships as an optional dependency (`@anthropic-ai/claude-agent-sdk-<platform>-<arch>/claude`).
 */
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { runCli } from '../../core/detection/run-cli.js';

export type CliSource = 'config' | 'path' | 'bundled';

export interface ClaudeDetection {
  cliPath: string | null;
  source: CliSource | null;
  version: string | null;
  loggedIn: boolean;
  /** e.g. 'api_key', 'oauth', 'none' (what `claude auth status` says, or 'env' for a key in config env). */
  authMethod: string;
  checkedAt: string;
  error?: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `claude` in one of PATH's directories (the env's PATH when given). */
export function findOnPath(pathVar: string | undefined, name = 'claude'): string | null {
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return null;
}

/** The SDK's own native binary, resolved through its optional platform package. */
export function findBundled(): string | null {
  const require = createRequire(import.meta.url);
  const pkgs = [`@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`];
  if (process.platform === 'linux') pkgs.push(`@anthropic-ai/claude-agent-sdk-linux-${process.arch}-musl`);
  for (const pkg of pkgs) {
    try {
      const file = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), process.platform === 'win32' ? 'claude.exe' : 'claude');
      if (isExecutable(file)) return file;
    } catch {
      // not installed for this platform
    }
  }
  return null;
}

export function resolveCli(cliPath: string | undefined, env: NodeJS.ProcessEnv): { path: string; source: CliSource } | null {
  if (cliPath) return isExecutable(cliPath) ? { path: cliPath, source: 'config' } : null;
  const onPath = findOnPath(env.PATH);
  if (onPath) return { path: onPath, source: 'path' };
  const bundled = findBundled();
  return bundled ? { path: bundled, source: 'bundled' } : null;
}

const KEY_VARS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];

export class ClaudeDetectionService {
  private current: ClaudeDetection | null = null;
  private inflight: Promise<ClaudeDetection> | null = null;

  /** `configEnv` is `plugins.claude_sdk.env`; it overlays the proxy's environment for the CLI. */
  constructor(
    private readonly cliPath: string | undefined,
    private readonly configEnv: Record<string, string>,
    private readonly timeoutMs = 10_000,
  ) {}

  get detection(): ClaudeDetection | null {
    return this.current;
  }

  /** The environment the CLI runs with. */
  cliEnv(): NodeJS.ProcessEnv {
    return { ...process.env, ...this.configEnv };
  }

  /** Runs (or joins a running) detection; never rejects. */
  refresh(): Promise<ClaudeDetection> {
    this.inflight ??= this.detect().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async detect(): Promise<ClaudeDetection> {
    const env = this.cliEnv();
    const checkedAt = new Date().toISOString();
    const found = resolveCli(this.cliPath, env);
    if (!found) {
      const error = this.cliPath ? `cli_path ${this.cliPath} is not an executable file` : 'Claude Code CLI not found (no cli_path, no `claude` on PATH, no bundled binary)';
      return (this.current = { cliPath: null, source: null, version: null, loggedIn: false, authMethod: 'none', checkedAt, error });
    }
    const result: ClaudeDetection = { cliPath: found.path, source: found.source, version: null, loggedIn: false, authMethod: 'none', checkedAt };
    const v = await runCli({ command: found.path, args: ['--version'], env, timeoutMs: this.timeoutMs });
    if (v.code === 0) result.version = /(\d+\.\d+\.\d+\S*)/.exec(v.stdout)?.[1] ?? v.stdout.trim();
    else result.error = `${found.path} --version failed: ${v.spawnError?.message ?? (v.timedOut ? 'timed out' : v.stderr.trim().split('\n')[0] || `exit code ${v.code}`)}`;
    const key = KEY_VARS.find((v) => this.configEnv[v]);
    if (key) {
      result.loggedIn = true;
      result.authMethod = `env:${key}`;
    } else {
      Object.assign(result, await this.authStatus(found.path, env));
    }
    this.current = result;
    return result;
  }

  /** `claude auth status` prints JSON ({loggedIn, authMethod, ...}) and exits 1 when logged out. */
  private async authStatus(cli: string, env: NodeJS.ProcessEnv): Promise<Pick<ClaudeDetection, 'loggedIn' | 'authMethod'>> {
    const out = (await runCli({ command: cli, args: ['auth', 'status', '--json'], env, timeoutMs: this.timeoutMs })).stdout;
    try {
      const parsed = JSON.parse(out) as { loggedIn?: unknown; authMethod?: unknown };
      return { loggedIn: parsed.loggedIn === true, authMethod: typeof parsed.authMethod === 'string' ? parsed.authMethod : 'unknown' };
    } catch {
      return { loggedIn: false, authMethod: 'unknown' };
    }
  }
}
