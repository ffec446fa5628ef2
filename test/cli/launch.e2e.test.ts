/**
 * The launchers with the real CLIs, against a fake Anthropic API: `ccproxy claude -p …` starts a
 * background proxy (none answers yet) and completes a Bash tool round trip through it; `ccproxy
 * codex --via claude exec …` reuses that proxy for an exec_command round trip; `ccproxy stop` ends
 * it. Temp HOME and XDG dirs, loopback only, a port that was free.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropicUpstream, isMainRequest, requestText, text, toolUse } from '../fakes/anthropic-upstream.js';
import { CLI_RUN_MS, cliPathDir } from '../helpers/clis.js';
import { freePort } from '../helpers/ports.js';
import { runCli, sandbox, type Sandbox } from './run-cli.js';

const API_KEY = 'sk-ant-api03-launcher-test-key';
let box: Sandbox;
let upstream: FakeAnthropicUpstream;
let port: number;
let env: NodeJS.ProcessEnv;
const pidFile = (): string => join(box.env.XDG_STATE_HOME!, 'ccproxy', 'ccproxy.pid');
const backgroundPid = async (): Promise<number> => (JSON.parse(await readFile(pidFile(), 'utf8')) as { pid: number }).pid;

beforeAll(async () => {
  upstream = await new FakeAnthropicUpstream().start();
  upstream.acceptedApiKeys.add(API_KEY);
  box = await sandbox();
  port = await freePort();
  const bin = join(box.dir, 'bin');
  await mkdir(bin);
  await cliPathDir(bin);
  await writeFile(join(box.dir, '.ccproxy.toml'), [
    'enabled_plugins = ["claude_api"]',
    '[server]',
    `port = ${port}`,
    '[plugins.claude_api]',
    `base_url = "${upstream.url}"`,
    'auth_type = "api_key"',
    `api_key = "${API_KEY}"`,
    '[plugins.claude_api.detection]',
    'enabled = false',
    '',
  ].join('\n'));
  env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    // The CLIs' temp files stay in the sandbox.
    TMPDIR: box.home,
  };
});
afterAll(async () => {
  if (existsSync(pidFile())) {
    try {
      process.kill(await backgroundPid(), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await box?.cleanup();
  await upstream?.close();
});

describe('ccproxy claude / codex with the real CLIs', () => {
  it('ccproxy claude -p: starts the proxy in the background and completes a Bash tool round trip', async () => {
    const marker = `MARK-${randomBytes(4).toString('hex')}`;
    const final = `DONE-${randomBytes(4).toString('hex')}`;
    upstream.script = (r) => {
      if (!isMainRequest(r)) return text('ok');
      const t = requestText(r);
      return t.includes('tool_result') && t.includes(marker) ? text(`It printed the marker. ${final}`) : toolUse('Bash', { command: `echo ${marker}` });
    };
    const run = await runCli(['claude', '-p', 'Run the marker command and report.', '--allowedTools', 'Bash', 'Read'], box, env, CLI_RUN_MS);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(final);
    expect(run.stderr).toContain(`started the proxy in the background (pid ${await backgroundPid()}) at http://127.0.0.1:${port}`);
    const withResult = upstream.messageRequests.find((r) => requestText(r).includes('tool_result'));
    expect(requestText(withResult!)).toContain(marker);
    // The proxy used its own key; the client's placeholder never went upstream.
    for (const r of upstream.messageRequests) expect(r.headers['x-api-key']).toBe(API_KEY);
  });

  it('ccproxy codex --via claude exec: reuses the running proxy for an exec_command round trip', async () => {
    const pid = await backgroundPid();
    const marker = `MARK-${randomBytes(4).toString('hex')}`;
    const final = `DONE-${randomBytes(4).toString('hex')}`;
    upstream.requests.length = 0;
    upstream.script = (r) => {
      const t = requestText(r);
      return t.includes('tool_result') && t.includes(marker) ? text(`The command printed the marker. ${final}`) : toolUse('exec_command', { cmd: `echo ${marker}` });
    };
    await mkdir(box.env.CODEX_HOME!, { recursive: true });
    const run = await runCli(['codex', '--via', 'claude', 'exec', '-m', 'gpt-5', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', 'Run the marker command and report its output.'], box, env, CLI_RUN_MS);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(run.stdout + run.stderr).toContain(final);
    expect(run.stderr).not.toContain('started the proxy');
    expect(await backgroundPid()).toBe(pid);
    expect(requestText(upstream.messageRequests.find((r) => requestText(r).includes('tool_result'))!)).toContain(marker);
    // Codex's own config was not written: the provider came from -c settings on its command line.
    expect(existsSync(join(box.env.CODEX_HOME!, 'config.toml'))).toBe(false);
  });

  it('ccproxy stop ends the background proxy', async () => {
    const pid = await backgroundPid();
    const stop = await runCli(['stop'], box, env);
    expect(stop).toMatchObject({ code: 0, stdout: `ccproxy stopped (pid ${pid}, http://127.0.0.1:${port})\n` });
    expect(existsSync(pidFile())).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });
});
