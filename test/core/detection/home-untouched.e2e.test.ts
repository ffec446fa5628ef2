/**
 * Starting the proxy never writes into the person's CLI directories (issue 17 item 6): `ccproxy
 * serve` runs with a HOME holding what a Claude Code and Codex user typically has; after startup,
 * every detection (claude_api's capture run, claude_sdk's version and login state, codex's capture
 * run) and a /health, ~/.claude, ~/.claude.json and ~/.codex are byte for byte what they were, and
 * nothing new appeared in HOME except ccproxy's own directories (its cache, and the usage database
 * and access log the default-on observability plugins keep under the XDG data and state dirs).
 * The throwaway homes the CLIs ran in are gone too.
 */
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, spawnCli, type Sandbox } from '../../cli/run-cli.js';
import { idToken, makeJwt, ACCOUNT_ID } from '../../plugins/codex/helpers.js';
import { cliPathDir } from '../../helpers/clis.js';

let box: Sandbox;
let child: ChildProcess | undefined;

/** Every file and directory below `dir` (relative), with a content hash for files. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      const full = join(d, name);
      const s = await stat(full);
      if (s.isDirectory()) {
        out.set(`${relative(dir, full)}/`, `dir ${(s.mode & 0o777).toString(8)}`);
        await walk(full);
      } else {
        out.set(relative(dir, full), `${(s.mode & 0o777).toString(8)} ${createHash('sha256').update(await readFile(full)).digest('hex')}`);
      }
    }
  };
  await walk(dir);
  return out;
}

async function writeHome(home: string): Promise<void> {
  await mkdir(join(home, '.claude', 'projects', '-home-me-app'), { recursive: true });
  await writeFile(join(home, '.claude', '.credentials.json'), JSON.stringify({
    claudeAiOauth: { accessToken: 'sk-ant-oat01-home', refreshToken: 'sk-ant-ort01-home', expiresAt: Date.now() + 24 * 3600_000, scopes: ['user:inference', 'user:profile'], subscriptionType: 'max' },
  }), { mode: 0o600 });
  await writeFile(join(home, '.claude', 'settings.json'), '{"model":"sonnet"}\n');
  await writeFile(join(home, '.claude', 'projects', '-home-me-app', 'session.jsonl'), '{"type":"summary"}\n');
  await writeFile(join(home, '.claude.json'), JSON.stringify({ numStartups: 12, oauthAccount: { emailAddress: 'me@example.com' }, projects: {} }, null, 2), { mode: 0o600 });
  await mkdir(join(home, '.codex'), { recursive: true });
  await writeFile(join(home, '.codex', 'auth.json'), JSON.stringify({
    OPENAI_API_KEY: null,
    tokens: {
      id_token: idToken(),
      access_token: makeJwt({ exp: Math.floor(Date.now() / 1000) + 24 * 3600, 'https://api.openai.com/auth': { chatgpt_account_id: ACCOUNT_ID } }),
      refresh_token: 'refresh-home',
      account_id: ACCOUNT_ID,
    },
    last_refresh: '2026-11-01T00:00:00Z',
  }, null, 2), { mode: 0o600 });
  await writeFile(join(home, '.codex', 'config.toml'), 'model = "gpt-5.5"\n');
}

/** Resolves once every line in `wanted` (substrings of JSON log lines) was logged. */
function waitForLogs(proc: ChildProcess, wanted: RegExp[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${wanted.filter((w) => !w.test(output)).join(', ')}; output: ${output}`)), timeoutMs);
    const check = (d: Buffer): void => {
      output += d.toString();
      if (wanted.every((w) => w.test(output))) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    proc.stdout?.on('data', check);
    proc.stderr?.on('data', check);
    proc.on('exit', (code) => reject(new Error(`exited ${code}; output: ${output}`)));
  });
}

/** A PATH directory with the real `claude` and `codex` in it. */
let bin: string;
beforeAll(async () => {
  box = await sandbox();
  await writeHome(box.home);
  bin = join(box.dir, 'bin');
  await mkdir(bin);
  await cliPathDir(bin);
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await box?.cleanup();
});

describe('startup, detection and health leave the CLI directories alone', () => {
  it('~/.claude, ~/.claude.json and ~/.codex are unchanged and nothing else appears', async () => {
    const tmp = join(box.dir, 'tmp');
    await mkdir(tmp);
    const before = await snapshot(box.home);
    child = spawnCli(['serve', '--port', '0', '--log-level', 'info'], box, {
      LOGGING__FORMAT: 'json',
      // The throwaway homes go here, so this test sees whether they are removed.
      TMPDIR: tmp,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      // Nothing may leave loopback: upstreams and token endpoints point at a closed local port.
      PLUGINS__CLAUDE_API__BASE_URL: 'http://127.0.0.1:9',
      PLUGINS__CLAUDE_API__OAUTH__TOKEN_URL: 'http://127.0.0.1:9/token',
      PLUGINS__CODEX__BASE_URL: 'http://127.0.0.1:9',
      PLUGINS__CODEX__OAUTH__TOKEN_URL: 'http://127.0.0.1:9/token',
      PLUGINS__CODEX__CLI_PATH: join(bin, 'codex'),
      PLUGINS__CLAUDE_SDK__PREWARM: 'false',
    });
    const logs = await waitForLogs(child, [/"msg":"ccproxy listening"/, /"msg":"Claude CLI detect/, /"msg":"claude_cli_available"/, /"msg":"codex (CLI detected|detection failed)/], 180_000);
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(logs)?.[1];
    expect(url).toBeDefined();
    // The captures really ran (same headers and prompts as before), in their throwaway homes.
    expect(logs).toMatch(/"msg":"Claude CLI detected"/);
    expect(logs).toMatch(/"msg":"codex CLI detected"/);
    const health = (await (await fetch(`${url}/health`)).json()) as { checks: Record<string, unknown> };
    expect(Object.keys(health.checks)).toEqual(expect.arrayContaining(['plugin:claude_api', 'plugin:claude_sdk', 'plugin:codex']));

    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const after = await snapshot(box.home);
    const changed = [...before].filter(([path, sig]) => after.get(path) !== sig).map(([path]) => path);
    // ccproxy's own directories (XDG cache, data and state as the sandbox sets them) and their parents.
    const own = ['.cache/', '.local/share/', '.state/'];
    const ours = (p: string): boolean => own.some((dir) => p === dir || p.startsWith(`${dir}ccproxy/`) || dir.startsWith(p));
    const added = [...after.keys()].filter((path) => !before.has(path));
    expect(changed).toEqual([]);
    expect(added.filter((p) => !ours(p))).toEqual([]);
    // What ccproxy wrote there: detection results, the usage database, the access log.
    expect(added.filter((p) => !p.endsWith('/'))).toEqual(expect.arrayContaining(['.local/share/ccproxy/usage.db', '.state/ccproxy/access.log']));
    expect(await readdir(tmp)).toEqual([]);
  });
});
