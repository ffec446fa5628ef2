/**
 * `ccproxy start|stop|status`: a background proxy with its pid file and log under
 * `$XDG_STATE_HOME/ccproxy`; a second start finds it; stop ends it and removes the pid file; a
 * stale pid file is noticed and removed; a port held by another program is refused with the
 * settings that change it; a foreground ccproxy is reported, never stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { isRunning, processesRunning } from '../helpers/processes.js';
import { runCli, sandbox, spawnCli, type Sandbox } from './run-cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
let box: Sandbox;
let port: number;
let stateDir: string;

async function recordedPid(): Promise<number | undefined> {
  try {
    return (JSON.parse(await readFile(join(stateDir, 'ccproxy.pid'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  box = await sandbox();
  port = await freePort();
  stateDir = join(box.env.XDG_STATE_HOME!, 'ccproxy');
  await writeFile(join(box.dir, '.ccproxy.toml'), [
    `plugin_dirs = [${JSON.stringify(join(FIXTURES, 'good'))}]`,
    'enabled_plugins = ["alpha"]',
    '[server]',
    `port = ${port}`,
    '',
  ].join('\n'));
});
afterAll(async () => {
  // Whatever a failed test left running.
  const pid = await recordedPid();
  if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
  await box?.cleanup();
});

describe('ccproxy start, status, stop', () => {
  it('starts a background proxy, finds it again, and stops it', async () => {
    expect(await runCli(['status'], box)).toMatchObject({ code: 3, stdout: 'ccproxy is not running (start it with: ccproxy start)\n' });

    const start = await runCli(['start'], box);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const pid = await recordedPid();
    expect(pid).toBeGreaterThan(0);
    expect(start.stdout).toContain(`ccproxy started in the background (pid ${pid}) at http://127.0.0.1:${port}`);
    expect(start.stdout).toContain(`log: ${join(stateDir, 'ccproxy.log')}`);
    const live = (await (await fetch(`http://127.0.0.1:${port}/health/live`)).json()) as { serviceId: string };
    expect(live.serviceId).toBe('ccproxy');
    // The proxy's own output went to the log, not to the terminal that started it.
    expect(await readFile(join(stateDir, 'ccproxy.log'), 'utf8')).toContain(`listening on http://127.0.0.1:${port}`);

    const again = await runCli(['start'], box);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toContain(`already running in the background (pid ${pid})`);
    expect(await recordedPid()).toBe(pid);

    const status = await runCli(['status'], box);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^ccproxy \\S+ is running in the background \\(pid ${pid}\\) at http://127\\.0\\.0\\.1:${port}\\n`));

    const stop = await runCli(['stop'], box);
    expect(stop).toMatchObject({ code: 0, stdout: `ccproxy stopped (pid ${pid}, http://127.0.0.1:${port})\n` });
    expect(isRunning(pid!)).toBe(false);
    expect(existsSync(join(stateDir, 'ccproxy.pid'))).toBe(false);
    expect(await runCli(['stop'], box)).toMatchObject({ code: 0, stdout: 'ccproxy is not running\n' });
  });

  it('two starts at once: one proxy runs, both report it, and stop leaves none', async () => {
    // The background proxies are the processes started with this sandbox's pid file.
    const proxies = (): number[] => processesRunning(join(stateDir, 'ccproxy.pid')).filter(isRunning);
    const [a, b] = await Promise.all([runCli(['start'], box), runCli(['start'], box)]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const pid = await recordedPid();
    for (const r of [a, b]) expect(r.stdout).toContain(`(pid ${pid}) at http://127.0.0.1:${port}`);
    expect(proxies()).toEqual([pid]);
    expect((await runCli(['stop'], box)).code).toBe(0);
    expect(proxies()).toEqual([]);
  });

  it('a stale pid file (its process is gone) is removed, not trusted', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid!;
    await new Promise((resolve) => gone.on('exit', resolve));
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, 'ccproxy.pid'), JSON.stringify({ pid, url: `http://127.0.0.1:${port}`, script: '/x/cli/main.js', started_at: 'then' }));
    expect((await runCli(['status'], box)).code).toBe(3);
    expect(existsSync(join(stateDir, 'ccproxy.pid'))).toBe(false);
  });

  describe('with the port held by another program', () => {
    let other: Server;
    beforeAll(async () => {
      other = createServer((_req, res) => res.writeHead(404).end('not here'));
      await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

    it('start refuses it and says which settings choose another port; nothing is left behind', async () => {
      const start = await runCli(['start'], box);
      expect(start.code).toBe(1);
      expect(start.stderr).toContain(`http://127.0.0.1:${port} is in use by something that is not ccproxy (HTTP 404 on /health/live)`);
      expect(start.stderr).toContain('--port, SERVER__PORT or [server] port');
      expect(existsSync(join(stateDir, 'ccproxy.pid'))).toBe(false);
      expect((await runCli(['status'], box)).stdout).toContain('is in use by something else');
    });
  });

  it('a ccproxy in the foreground is reported by status, and stop leaves it alone', async () => {
    const fg = spawnCli(['serve'], box);
    try {
      await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.status).toBe(200);
      expect((await runCli(['status'], box)).stdout).toContain(`is running at http://127.0.0.1:${port} (started elsewhere, not by \`ccproxy start\`)`);
      const stop = await runCli(['stop'], box);
      expect(stop.code).toBe(1);
      expect(stop.stdout).toContain('was not started by `ccproxy start`');
      expect(fg.exitCode).toBeNull();
    } finally {
      const exited = new Promise((resolve) => fg.on('exit', resolve));
      fg.kill('SIGTERM');
      await exited;
    }
  });
});
