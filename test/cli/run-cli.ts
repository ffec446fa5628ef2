/**
 * Runs the ccproxy CLI as a subprocess with an isolated HOME, XDG dirs, cwd and env. It runs the
 * build (`dist/cli/main.js`, what the `ccproxy` binary is): `npm test` builds first, and a build
 * older than the sources is refused rather than tested.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

const built = statSync(MAIN, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (built < newestMtime(SRC)) throw new Error(`${MAIN} is missing or older than src/: run \`npm run build\` first (npm test does)`);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'ccproxy-cli-'));
  const home = join(dir, 'home');
  await mkdir(home);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.state'),
    CODEX_HOME: join(home, '.codex'),
    NO_COLOR: '1',
  };
  return { dir, home, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function spawnCli(args: string[], box: Sandbox, extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    cwd: box.dir,
    env: { ...box.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `timeoutMs` only catches a hang (below the test timeout, so the failure shows stderr). */
export function runCli(args: string[], box: Sandbox, extraEnv: NodeJS.ProcessEnv = {}, timeoutMs = 100_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, box, extraEnv);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ccproxy ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
