/**
 * copilot is listed like the other providers (issue 22): `ccproxy plugins list`, the `ccproxy
 * serve` banner (base URL, where the GitHub token came from, credentials ok), `GET /plugins` and
 * `GET /health`. The built `ccproxy` as a subprocess, temp HOME and XDG dirs, the GitHub token in
 * the environment and every GitHub/Copilot URL pointed at the fake.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCopilot } from '../../fakes/copilot.js';
import { runCli, sandbox, spawnCli, type Sandbox } from '../../cli/run-cli.js';

let fake: FakeCopilot;
let box: Sandbox;
let env: NodeJS.ProcessEnv;
let serve: ChildProcess | undefined;

beforeAll(async () => {
  fake = await new FakeCopilot().start();
  box = await sandbox();
  env = { XDG_DATA_HOME: join(box.home, '.local', 'share'), COPILOT_GITHUB_TOKEN: fake.githubToken };
  const c = fake.config() as { oauth: Record<string, string>; token_exchange_url: string; api_base_url: string };
  await writeFile(join(box.dir, '.ccproxy.toml'), [
    'enabled_plugins = ["copilot", "openai"]',
    '[plugins.copilot]',
    `token_exchange_url = ${JSON.stringify(c.token_exchange_url)}`,
    `api_base_url = ${JSON.stringify(c.api_base_url)}`,
    '[plugins.copilot.oauth]',
    `device_code_url = ${JSON.stringify(c.oauth.device_code_url)}`,
    `token_url = ${JSON.stringify(c.oauth.token_url)}`,
    '',
  ].join('\n'));
});
afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve?.on('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  await box?.cleanup();
  await fake?.close();
});

/** Resolves with stdout once it matches `pattern` (rejects when the process exits first). */
function waitForOutput(proc: ChildProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.match(pattern);
      if (match) resolve(match);
    });
    proc.on('exit', (code) => reject(new Error(`exited ${code}; stdout: ${out}; stderr: ${err}`)));
  });
}

describe('copilot, listed like the others', () => {
  it('`ccproxy plugins list` shows it as an enabled built-in provider under /copilot', async () => {
    const { code, stdout, stderr } = await runCli(['plugins', 'list'], box, env);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^copilot\s+\S+\s+provider\s+\/copilot\s+enabled\s+builtin\s*$/m);
    expect(stdout).toMatch(/^openai\s+/m);
  });

  it('the banner, /plugins and /health show it', async () => {
    serve = spawnCli(['serve', '--port', '0', '--log-level', 'warn'], box, env);
    // Everything up to the paste-ready Codex lines: the whole banner.
    const [banner, url] = await waitForOutput(serve, /listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*env_key = "CCPROXY_API_KEY"\n/);
    expect(banner).toMatch(new RegExp(`\\n  copilot\\s+${url}/copilot  \\(anthropic, chat, responses\\)\\n`));
    expect(banner).toContain('copilot: GitHub token from $COPILOT_GITHUB_TOKEN');
    expect(banner).toContain('credentials: ok - GitHub token found');
    // The one provider with credentials gets the paste-ready lines.
    expect(banner).toContain(`ANTHROPIC_BASE_URL=${url}/copilot claude`);
    expect(banner).toContain(`base_url = "${url}/copilot/v1"`);
    expect(banner).not.toContain(fake.githubToken);

    // One request, so the token exchange has happened and /health has something to say.
    const chat = await fetch(`${url}/copilot/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(chat.status).toBe(200);

    const { plugins } = (await (await fetch(`${url}/plugins`)).json()) as { plugins: Array<{ name: string }> };
    expect(plugins.find((p) => p.name === 'copilot')).toMatchObject({ name: 'copilot', kind: 'provider', prefix: '/copilot', state: 'active' });

    const health = (await (await fetch(`${url}/health`)).json()) as { checks: Record<string, Array<{ status: string; details: Record<string, unknown> }>> };
    const check = health.checks['plugin:copilot']?.[0];
    expect(check?.status).toBe('pass');
    expect(check?.details).toMatchObject({ github_token: { present: true, source: 'env:COPILOT_GITHUB_TOKEN' }, plan: expect.any(String) });
    expect(JSON.stringify(health)).not.toContain(fake.githubToken);
  });
});
