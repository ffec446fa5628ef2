/**
 * Running the real Claude Code and Codex CLIs against the proxy: temp HOME / CODEX_HOME, dummy
 * client keys, no non-essential traffic, a hard time bound, and the process group killed after.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CLAUDE_BIN, CLI_RUN_MS, CODEX_BIN } from '../../helpers/clis.js';

export { CLAUDE_BIN, CODEX_BIN };

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      killGroup();
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** `claude -p PROMPT --allowedTools Bash Read` against `baseUrl`, in a fresh temp HOME. */
export async function runClaude(baseUrl: string, prompt: string, timeoutMs = CLI_RUN_MS): Promise<CliRun> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-claude-home-'));
  try {
    return await runProcess(CLAUDE_BIN, ['-p', prompt, '--allowedTools', 'Bash', 'Read'], {
      PATH: process.env.PATH,
      HOME: home,
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: 'sk-ant-client-dummy',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      // Its per-project temp dirs go under $TMPDIR/claude-<uid>: keep them inside the temp home.
      TMPDIR: home,
    }, home, timeoutMs);
  } finally {
    await fs.rm(home, { recursive: true, force: true });
  }
}

/** `codex exec PROMPT` with a temp CODEX_HOME whose provider points at `baseUrl` (Responses API). */
export async function runCodex(baseUrl: string, prompt: string, model: string, timeoutMs = CLI_RUN_MS): Promise<CliRun> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-codex-home-'));
  const codexHome = path.join(home, '.codex');
  await fs.mkdir(codexHome, { recursive: true });
  await fs.writeFile(path.join(codexHome, 'config.toml'), [
    `model = "${model}"`,
    'model_provider = "ccproxy"',
    '',
    '[model_providers.ccproxy]',
    'name = "ccproxy"',
    `base_url = "${baseUrl}"`,
    'env_key = "CCPROXY_TEST_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n'));
  try {
    return await runProcess(CODEX_BIN, ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', prompt], {
      PATH: process.env.PATH,
      HOME: home,
      CODEX_HOME: codexHome,
      CCPROXY_TEST_KEY: 'sk-codex-client-dummy',
    }, home, timeoutMs);
  } finally {
    await fs.rm(home, { recursive: true, force: true });
  }
}
