/**
 * `ccproxy serve` as a subprocess: prints the URL, the provider's base URL with its credential
 * status and fix, paste-ready Claude Code and Codex lines; serves; exits 0 on SIGTERM.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, spawnCli, type Sandbox } from './run-cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
let box: Sandbox;
let child: ChildProcess | undefined;

beforeAll(async () => {
  box = await sandbox();
  await writeFile(join(box.dir, '.ccproxy.toml'), [
    `plugin_dirs = [${JSON.stringify(join(FIXTURES, 'good'))}]`,
    'enabled_plugins = ["alpha"]',
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
        // Give the rest of the banner (same write) a moment to arrive.
        setTimeout(() => resolve({ match, output }), 50);
      }
    });
    proc.on('exit', (code) => reject(new Error(`exited ${code} before ${pattern}; stderr: ${errors}`)));
  });
}

describe('ccproxy serve', () => {
  it('starts, prints what to do next, serves, and stops on SIGTERM', async () => {
    child = spawnCli(['serve', '--port', '0', '--log-level', 'warn'], box);
    const { match, output: initial } = await waitFor(child, /listening on (http:\/\/127\.0\.0\.1:(\d+))\n[\s\S]*Codex:[\s\S]*env_key = "CCPROXY_API_KEY"\n/, 20_000);
    const url = match[1] as string;
    const output = initial;
    expect(output).toMatch(new RegExp(`alpha\\s+${url}/alpha`));
    expect(output).toContain('credentials: MISSING - no key found');
    expect(output).toContain('fix: ccproxy auth login alpha');
    expect(output).toContain(`ANTHROPIC_API_KEY=<your server.auth_token> ANTHROPIC_BASE_URL=${url}/alpha claude`);
    expect(output).toContain(`base_url = "${url}/alpha/v1"`);
    expect(output).toContain('wire_api = "responses"');
    expect(output).toContain('export CCPROXY_API_KEY=<your server.auth_token>');
    expect(output).not.toContain('t0ken');

    const res = await request(`${url}/alpha/hello`, { headers: { authorization: 'Bearer t0ken' } });
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ plugin: 'alpha', greeting: 'hi' });

    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
