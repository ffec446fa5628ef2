/** Spawning proxy processes (and helper scripts) for the multi-process reliability tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WAIT_MS } from './helpers.js';

const TSX = import.meta.resolve('tsx');
export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface ProxyChild {
  url: string;
  child: ChildProcess;
  exit: Promise<number | null>;
  stderr(): string;
}

const live = new Set<ChildProcess>();

/** Kill whatever a failed test left running. */
export function killChildren(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  live.clear();
}

export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', TSX, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, ...env } });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code) => {
      live.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

/** A proxy process (proxy-child.ts) with these settings overrides; resolves once it listens. */
export function startProxyChild(overrides: Record<string, unknown>, home: string): Promise<ProxyChild> {
  const { child, done } = runScript(fixture('proxy-child.ts'), [], { HOME: home, CCPROXY_OVERRIDES: JSON.stringify(overrides) });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = done.then((r) => r.code);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`proxy child did not start: ${stderr}`)), WAIT_MS);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) {
        clearTimeout(timer);
        resolve({ url: (JSON.parse(line) as { url: string }).url, child, exit, stderr: () => stderr });
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`proxy child exited ${code}: ${stderr}`));
    });
  });
}
