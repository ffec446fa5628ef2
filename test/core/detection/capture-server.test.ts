import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { startCaptureServer } from '../../../src/core/detection/capture-server.js';
import { runCli } from '../../../src/core/detection/run-cli.js';
import { readDetectionCache, writeDetectionCache } from '../../../src/core/detection/cache.js';

describe('capture server', () => {
  it('records the first matching request with credentials redacted and serves the reply', async () => {
    const cap = await startCaptureServer({
      reply: (r) => (r.url.includes('count_tokens') ? { body: '{"input_tokens":1}' } : { headers: { 'content-type': 'text/event-stream' }, body: 'event: x\ndata: {}\n\n' }),
      match: (r) => r.url.startsWith('/v1/messages?'),
    });
    try {
      const a = await request(`${cap.url}/v1/messages/count_tokens`, { method: 'POST', body: '{}' });
      expect(await a.body.text()).toBe('{"input_tokens":1}');
      const res = await request(`${cap.url}/v1/messages?beta=true`, {
        method: 'POST',
        headers: { 'x-api-key': 'secret', authorization: 'Bearer secret', 'user-agent': 'cli/1', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', system: 'hi' }),
      });
      expect(res.headers['content-type']).toBe('text/event-stream');
      expect(await res.body.text()).toBe('event: x\ndata: {}\n\n');
      const got = await cap.captured;
      expect(got.url).toBe('/v1/messages?beta=true');
      expect(got.headers['x-api-key']).toBe('<redacted>');
      expect(got.headers.authorization).toBe('<redacted>');
      expect(got.headers['user-agent']).toBe('cli/1');
      expect(got.body).toEqual({ model: 'm', system: 'hi' });
      expect(cap.requests).toHaveLength(2);
    } finally {
      await cap.close();
    }
  });

  it("redacts the header names a plugin declares secret, and only for that capture", async () => {
    const send = (url: string): Promise<unknown> => request(url, { method: 'POST', headers: { 'chatgpt-account-id': 'acct-123', 'content-type': 'application/json' }, body: '{}' }).then((r) => r.body.text());
    const codexLike = await startCaptureServer({ reply: { body: '{}' }, secretHeaders: ['ChatGPT-Account-Id'] });
    const plain = await startCaptureServer({ reply: { body: '{}' } });
    try {
      await Promise.all([send(`${codexLike.url}/v1/responses`), send(`${plain.url}/v1/responses`)]);
      expect((await codexLike.captured).headers['chatgpt-account-id']).toBe('<redacted>');
      expect((await plain.captured).headers['chatgpt-account-id']).toBe('acct-123');
    } finally {
      await Promise.all([codexLike.close(), plain.close()]);
    }
  });
});

describe('runCli', () => {
  it('collects output and exit code', async () => {
    const r = await runCli({ command: process.execPath, args: ['-e', 'console.log("v1.2.3")'], env: {}, timeoutMs: 60_000 });
    expect(r).toMatchObject({ code: 0, timedOut: false });
    expect(r.stdout.trim()).toBe('v1.2.3');
  });
  it('kills a process that outlives the bound', async () => {
    const r = await runCli({ command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)'], env: {}, timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
  });
  it('kills helpers that detached into their own session (found by the run tag)', async () => {
    // The CLI starts a detached helper, records its pid, and then both wait forever; the run is
    // aborted once the helper exists.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-runcli-'));
    const pidFile = path.join(dir, 'helper.pid');
    const script = `const c=require('child_process').spawn(process.execPath,['-e','setTimeout(()=>{},600000)'],{detached:true,stdio:'ignore'});require('fs').writeFileSync(${JSON.stringify(pidFile)},String(c.pid));c.unref();setTimeout(()=>{},600000)`;
    const ac = new AbortController();
    const run = runCli({ command: process.execPath, args: ['-e', script], env: {}, timeoutMs: 600_000, signal: ac.signal });
    const helperPid = async (): Promise<number> => Number(await fs.readFile(pidFile, 'utf8').catch(() => '0'));
    await expect.poll(helperPid).toBeGreaterThan(0);
    const helper = await helperPid();
    ac.abort();
    await run;
    // Dead, or a zombie awaiting a reaper (containers whose init does not reap): both count as gone.
    const state = async (): Promise<string> => {
      try {
        const stat = await fs.readFile(`/proc/${helper}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      } catch {
        return 'gone';
      }
    };
    try {
      await expect.poll(state).toMatch(/^(gone|Z)$/);
    } finally {
      if (!/^(gone|Z)$/.test(await state())) process.kill(helper, 'SIGKILL');
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing command as a spawn error', async () => {
    const r = await runCli({ command: '/nonexistent/cli', args: [], env: {}, timeoutMs: 1000 });
    expect(r.spawnError).toBeDefined();
  });
});

describe('detection cache', () => {
  it('round-trips per version and treats garbage as absent', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-dcache-'));
    try {
      expect(await readDetectionCache(dir, 'claude', '1.0')).toBeNull();
      await writeDetectionCache(dir, 'claude', '1.0', { a: 1 });
      expect(await readDetectionCache(dir, 'claude', '1.0')).toEqual({ a: 1 });
      expect(await readDetectionCache(dir, 'claude', '2.0')).toBeNull();
      await fs.writeFile(path.join(dir, 'claude-2.0.json'), 'garbage');
      expect(await readDetectionCache(dir, 'claude', '2.0')).toBeNull();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
