/**
 * `ccproxy serve` as a subprocess: prints the URL, the provider's base URL with its credential
 * status and fix, paste-ready Claude Code and Codex lines; serves; exits 0 on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, sandbox, spawnCli, type Sandbox } from './run-cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
let box: Sandbox;
let child: ChildProcess | undefined;

beforeAll(async () => {
  box = await sandbox();
  await writeFile(join(box.dir, '.ccproxy.toml'), [
    `plugin_dirs = [${JSON.stringify(join(FIXTURES, 'good'))}]`,
    'enabled_plugins = ["alpha"]',
    '[plugins.alpha]',
    'api_key = "sk-alpha"',
    '[server]',
    'auth_token = "t0ken"',
    '',
  ].join('\n'));
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await box?.cleanup();
});

function waitFor(proc: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<{ match: RegExpMatchArray; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout: ${output}; stderr: ${errors}`)), timeoutMs);
    proc.stderr?.on('data', (d: Buffer) => { errors += d.toString(); });
    proc.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ match, output });
      }
    });
    proc.on('exit', (code) => reject(new Error(`exited ${code} before ${pattern}; stderr: ${errors}`)));
  });
}

describe('ccproxy serve', () => {
  it('starts, prints what to do next, serves, and stops on SIGTERM', async () => {
    child = spawnCli(['serve', '--port', '0', '--log-level', 'warn'], box);
    const { match, output: initial } = await waitFor(child, /listening on (http:\/\/127\.0\.0\.1:(\d+))\n[\s\S]*Codex:[\s\S]*env_key = "CCPROXY_API_KEY"\n/, 100_000);
    const url = match[1] as string;
    const output = initial;
    expect(output).toMatch(new RegExp(`alpha\\s+${url}/alpha`));
    expect(output).toContain('credentials: ok - key configured');
    expect(output).toContain(`ANTHROPIC_API_KEY=<your server.auth_token> ANTHROPIC_BASE_URL=${url}/alpha claude`);
    expect(output).toContain(`base_url = "${url}/alpha/v1"`);
    expect(output).toContain('wire_api = "responses"');
    expect(output).toContain('export CCPROXY_API_KEY=<your server.auth_token>');
    expect(output).not.toContain('t0ken');
    expect(output).not.toContain('sk-alpha');

    const res = await request(`${url}/alpha/hello`, { headers: { authorization: 'Bearer t0ken' } });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ plugin: 'alpha', greeting: 'hi' });

    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('first run with no credentials anywhere: what is missing, what to do first, no paste lines', async () => {
    const fresh = await sandbox();
    try {
      const first = spawnCli(['serve', '--port', '0', '--log-level', 'warn'], fresh, {
        // The background CLI captures are covered elsewhere; this is about what the banner says.
        PLUGINS__CLAUDE_API__DETECTION__ENABLED: 'false',
        PLUGINS__CODEX__DETECTION__ENABLED: 'false',
      });
      try {
        const { output } = await waitFor(first, /listening on http:\/\/127\.0\.0\.1:\d+\n[\s\S]*First: .*\n/, 60_000);
        expect(output).toMatch(/claude_api[^\n]*\n(?:.*\n)*?\s+credentials: MISSING - no Claude credentials in \.credentials\.json\n\s+fix: ccproxy auth login claude\n/);
        // claude_sdk's login state is in the banner, not only in /health.
        expect(output).toContain('credentials: MISSING - Claude Code is not logged in');
        expect(output).toContain('credentials: MISSING - no Codex credentials at');
        expect(output).toContain('credentials: MISSING - not configured');
        expect(output).toContain('\nNo provider can serve requests yet. First: ccproxy auth login claude (claude_api); or run `claude`, then /login in it (claude_sdk); or another fix above. A login is picked up without a restart.\n');
        expect(output).not.toContain('ANTHROPIC_BASE_URL=');
        expect(output).not.toContain('[model_providers.');
      } finally {
        const exited = new Promise((resolve) => first.on('exit', resolve));
        first.kill('SIGTERM');
        await exited;
      }
    } finally {
      await fresh.cleanup();
    }
  });

  it('a port already in use: one line naming --port, SERVER__PORT and [server] port, nothing else logged, exit 1', async () => {
    const taken = createServer((_req, res) => res.end('someone else'));
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const fresh = await sandbox();
    try {
      // Every built-in plugin, detection and all, at debug level; stdout and stderr in one pipe, in order.
      const child = spawn('sh', ['-c', `"${process.execPath}" "${MAIN}" serve --port ${port} --log-level debug 2>&1`], { cwd: fresh.dir, env: fresh.env, stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(1);
      // Even at debug level the one line saying why is all there is: no plugin logs from a shutdown.
      expect(output.trimEnd().split('\n')).toEqual([
        `ccproxy: Port ${port} on 127.0.0.1 is already in use (by another ccproxy? \`ccproxy status\` tells). Choose another port with --port, SERVER__PORT or [server] port in the config file`,
      ]);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
      await fresh.cleanup();
    }
  });
});
