/**
 * Graceful shutdown in a real process: SIGTERM while a stream is in flight lets the stream finish,
 * refuses new connections, shuts plugins down and exits 0. A second signal while the shutdown hangs
 * ends the process at once, even when a thread is stuck in a blocking call.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../fixtures/shutdown/streaming-server.ts', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

function startChild(): Promise<{ url: string; exit: Promise<number | null> }> {
  child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: process.env.HOME } });
  const proc = child;
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ url: (JSON.parse(line) as { url: string }).url, exit });
    });
    proc.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
}

describe('SIGTERM during a streaming response', () => {
  it('lets the stream finish and exits 0', async () => {
    const { url, exit } = await startChild();
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${url}/slow/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
        let text = '';
        let signalled = false;
        res.on('data', (c: Buffer) => {
          text += c.toString();
          if (!signalled) {
            signalled = true;
            child!.kill('SIGTERM');
          }
        });
        res.on('end', () => resolve(text));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end('{"model":"m","stream":true}');
    });
    expect(body.match(/event: ping/g)).toHaveLength(20);
    expect(body).toContain('"i":19');
    expect(await exit).toBe(0);
  });
});

describe('a second signal during a shutdown that hangs', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s twice ends the process even with a thread stuck in a blocking call', async (signal) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ccproxy-signal-'));
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const hanging = fileURLToPath(new URL('../fixtures/shutdown/hanging-shutdown.ts', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', hanging, fifo], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    const proc = child;
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, sig) => resolve(sig ?? code)));
    let out = '';
    const lines = (want: string): Promise<void> => new Promise((resolve) => {
      const check = (): void => {
        if (out.includes(want)) resolve();
      };
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        check();
      });
      check();
    });
    try {
      await lines('"url"');
      proc.kill(signal);
      // The plugin's shutdown is now stuck in open(FIFO): a plain process.exit() would hang too.
      await lines('"shutdown":"blocked"');
      proc.kill(signal);
      const bound = new Promise((r) => setTimeout(() => r('still running'), 20_000).unref());
      expect(await Promise.race([exited, bound])).toBe(signal);
    } finally {
      // Release any thread still blocked on the FIFO, then clean up.
      await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then((f) => f.close(), () => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
