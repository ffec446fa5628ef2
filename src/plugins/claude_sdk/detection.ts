/**
 * Finds the Claude Code CLI and learns what it can: where it is, its version, whether it is logged
 * in. Runs in the background (never delays startup) and again on the hourly refresh task. It
 * never changes the person's CLI directories: the version comes from a run in a throwaway home,
 * the login state from reading the CLI's files (login-state.ts).
 *
 * Lookup order: `cli_path` from config, else `claude` on PATH, else the native binary the Agent SDK
 * ships as an optional dependency (`@anthropic-ai/claude-agent-sdk-<platform>-<arch>/claude`).
 */
import { BackgroundDetection, claudeBinaryPackages, findBundledCli, findCli, withIsolatedHome, runCli, type CliSource } from '../../plugin.js';
import { readLoginState, type LoginState } from './login-state.js';

export type { CliSource };

export interface ClaudeDetection {
  cliPath: string | null;
  source: CliSource | null;
  version: string | null;
  loggedIn: boolean;
  /** `env:<VAR>`, `third_party`, `claude.ai`, `api_key`, `api_key_helper` or `none` (see login-state.ts). */
  authMethod: string;
  /** Subscription of a claude.ai login, when known. */
  subscription?: string;
  checkedAt: string;
  error?: string;
}

/** The SDK's own native binary, resolved through its optional platform package. */
export function findBundled(): string | null {
  return findBundledCli('claude', claudeBinaryPackages());
}

/** `cli_path`, else `claude` on the environment's PATH, else the SDK's native binary (the entry's one lookup order). */
export function resolveCli(cliPath: string | undefined, env: NodeJS.ProcessEnv): { path: string; source: CliSource } | null {
  return findCli('claude', { configured: cliPath, env, bundled: claudeBinaryPackages() });
}

export class ClaudeDetectionService extends BackgroundDetection<ClaudeDetection> {
  private current: ClaudeDetection | null = null;

  /**
   * `env` is the environment the CLI runs with: the proxy's (services.env) with
   * `plugins.claude_sdk.env` over it. Its PATH is searched for `claude`.
   */
  constructor(
    private readonly cliPath: string | undefined,
    private readonly env: NodeJS.ProcessEnv,
    private readonly timeoutMs = 10_000,
  ) {
    super();
  }

  get detection(): ClaudeDetection | null {
    return this.current;
  }

  /** The environment the CLI runs with. */
  cliEnv(): NodeJS.ProcessEnv {
    return this.env;
  }

  /** One run (refresh() starts or joins it); never rejects. */
  protected async detect(signal: AbortSignal): Promise<ClaudeDetection> {
    const env = this.cliEnv();
    const checkedAt = new Date().toISOString();
    const found = resolveCli(this.cliPath, env);
    if (!found) {
      const error = this.cliPath ? `cli_path ${this.cliPath} is not an executable file` : 'Claude Code CLI not found (no cli_path, no `claude` on PATH, no bundled binary)';
      return (this.current = { cliPath: null, source: null, version: null, loggedIn: false, authMethod: 'none', checkedAt, error });
    }
    const login = await readLoginState(env);
    const result: ClaudeDetection = { cliPath: found.path, source: found.source, version: null, ...login, checkedAt };
    // Even `--version` runs in a throwaway home: the CLI may write its config files as it starts.
    const v = await withIsolatedHome('claude-sdk-version', ({ dir, env: isolated }) =>
      runCli({ command: found.path, args: ['--version'], env: isolated, cwd: dir, timeoutMs: this.timeoutMs, signal }), env);
    if (v.code === 0) result.version = /(\d+\.\d+\.\d+\S*)/.exec(v.stdout)?.[1] ?? v.stdout.trim();
    else result.error = `${found.path} --version failed: ${v.spawnError?.message ?? (v.timedOut ? 'timed out' : v.stderr.trim().split('\n')[0] || `exit code ${v.code}`)}`;
    this.current = result;
    return result;
  }

  /** Login state from the files the CLI reads (no CLI run): what startup can say before detection ends. */
  loginState(): Promise<LoginState> {
    return readLoginState(this.cliEnv());
  }
}
