/**
 * `ccproxy permissions` in a real terminal (tmux): started with nothing but the config file of the
 * running proxy (its port and auth token), it shows the real Claude Code CLI's Bash call as it
 * arrives, input readable, and approves it with one key; the command runs and the approval is
 * recorded as the terminal handler's.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text, toolUse } from '../fakes/anthropic-upstream.js';
import { startSdkProxy, type SdkProxy } from '../plugins/claude_sdk/harness.js';
import { PermissionWatch } from '../plugins/claude_sdk/permission-watch.js';
import { MAIN, sandbox, type Sandbox } from './run-cli.js';

const run = promisify(execFile);
const TOKEN = 'perm-cli-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SOCKET = `ccproxy-perm-${process.pid}`;

let p: SdkProxy;
let box: Sandbox;
let watch: PermissionWatch;

const tmux = async (...args: string[]): Promise<string> => (await run('tmux', ['-L', SOCKET, ...args], { env: box.env })).stdout;
const pane = (): Promise<string> => tmux('capture-pane', '-p', '-J', '-t', 'perm', '-S', '-2000');

/** Polls the terminal until `pattern` shows (generous bound: the machine may be loaded). */
async function screenShows(pattern: RegExp, timeoutMs = 90_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < end) {
    screen = await pane().catch(() => screen);
    if (pattern.test(screen)) return screen;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`terminal never showed ${pattern}; it shows:\n${screen}`);
}

beforeAll(async () => {
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('this test drives a terminal through tmux: apt-get install tmux (.ci/run does)');
  p = await startSdkProxy({ permission_timeout: 600 }, { auth_token: TOKEN });
  box = await sandbox();
  await writeFile(path.join(box.dir, '.ccproxy.toml'), `[server]\nport = ${p.proxy.port}\nauth_token = "${TOKEN}"\n`);
  watch = await PermissionWatch.open(p.url, AUTH);
});
afterAll(async () => {
  watch?.close();
  if (box) await tmux('kill-server').catch(() => undefined);
  await p?.close();
  await box?.cleanup();
});

describe('ccproxy permissions (terminal handler)', () => {
  it('shows a request as it arrives and approves it with "y"', { timeout: 240_000 }, async () => {
    const command = `exec ${process.execPath} '${MAIN}' permissions`;
    await tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'perm', '-x', '220', '-y', '60', '-c', box.dir, command);
    await screenShows(new RegExp(`Watching http://127\\.0\\.0\\.1:${p.proxy.port} for permission requests`));

    const marker = path.join(p.project, 'from-terminal.txt');
    p.fake.script = (req) =>
      JSON.stringify((req.body.messages as unknown[]).at(-1)).includes('tool_result')
        ? text('Done after the approval.')
        : toolUse('Bash', { command: `touch ${marker} && echo TERMINAL_$((6*7))`, description: 'make the marker' }, 'Running it.');
    const answer = fetch(`${p.base}/terminal-session/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'run it' }] }),
    }).then((r) => r.text());

    const pending = await watch.next('new');
    const screen = await screenShows(/Allow\? \[y\]es {2}\[n\]o {2}\[a\]lways for this session/);
    expect(screen).toContain(`── Bash: touch ${marker} && echo TERMINAL_$((6*7))`);
    expect(screen).toContain('session terminal-session');
    expect(screen).toContain(`command: touch ${marker}`);
    expect(screen).toContain('description: make the marker');
    expect(fs.existsSync(marker)).toBe(false);

    await tmux('send-keys', '-t', 'perm', 'y');
    expect(await watch.next('decided', (d) => d.id === pending.id)).toMatchObject({
      decision: 'allow',
      remember: 'none',
      decider: expect.stringMatching(/^ccproxy-permissions\/\S+ \(.+\) from 127\.0\.0\.1$/),
    });
    const after = await screenShows(/→ allowed/);
    expect(after).not.toContain('decided elsewhere');
    expect(await answer).toContain('TERMINAL_42');
    expect(fs.existsSync(marker)).toBe(true);
  });
});
