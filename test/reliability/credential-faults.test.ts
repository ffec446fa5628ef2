/**
 * Credentials under faults, for both OAuth providers (claude_api and codex) through the real proxy:
 *  - the credentials write fails after the token endpoint issued new tokens: they are kept in
 *    memory and served, the write is retried until it lands, /health and the log say so, and the
 *    spent refresh token is never redeemed again;
 *  - an unwritable credentials directory fails at once, before the refresh token is spent;
 *  - a symlinked credentials file is written through the link, atomically, in the target's directory;
 *  - a FIFO or a directory at the credentials path is refused at once (no hang);
 *  - a token endpoint answering 200 without an access token, or tokens with CR/LF: a clear error
 *    naming the endpoint, nothing saved or sent;
 *  - a token endpoint error quoting the refresh token reaches no client body, /health or log line;
 *  - /health with `server.auth_token`: status only unless the token is presented.
 */
import { execFileSync } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDirReadOnly, makeFileIrreplaceable, type Undo } from '../fakes/fs-faults.js';
import { accessToken } from '../plugins/codex/helpers.js';
import { waitFor } from './helpers.js';
import { CLAUDE_REFRESH, CODEX_REFRESH, startOAuthProxy, type OAuthProxy, type Provider } from './oauth-proxy.js';

let h: OAuthProxy | undefined;
let undos: Undo[] = [];
let fifos: string[] = [];
afterEach(async () => {
  for (const undo of undos) await undo();
  // A reader blocked in open() on a FIFO (the old behaviour) is released by opening a writer.
  for (const fifo of fifos) await fs.open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then((f) => f.close(), () => undefined);
  undos = [];
  fifos = [];
  await h?.close();
  h = undefined;
});

const AUTH = 'ccproxy-test-auth-token-7f3e2a10';
const initialRefresh = (p: Provider): string => (p.name === 'codex' ? CODEX_REFRESH : CLAUDE_REFRESH);

interface Check {
  status: string;
  output?: string;
  details?: Record<string, unknown>;
}

async function healthOf(p: Provider, headers: Record<string, string> = {}): Promise<{ text: string; check: Check }> {
  const res = await fetch(`${h!.proxy.url}/health`, { headers });
  const text = await res.text();
  const doc = JSON.parse(text) as { checks: Record<string, Check[]> };
  return { text, check: doc.checks[`plugin:${p.name}`]![0]! };
}

async function fileContent(p: Provider): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(p.file, 'utf8')) as Record<string, unknown>;
}

describe.each(['claude', 'codex'] as const)('%s credentials', (which) => {
  const provider = (): Provider => h![which];

  it('a refreshed token whose write fails is kept, served, retried until saved, reported, and its spent refresh token never redeemed again', async () => {
    h = await startOAuthProxy();
    const p = provider();
    p.oauth.beforeAnswer = async () => {
      undos.push(await makeFileIrreplaceable(p.file));
    };
    const first = await p.ask();
    expect(first.status, first.body).toBe(200);
    p.oauth.beforeAnswer = null;
    expect(p.oauth.refreshCalls).toBe(1);
    const issued = p.bearers().at(-1)!;
    // The file could not be written: it still holds the spent refresh token.
    expect(p.refreshTokenOf(await fileContent(p))).toBe(initialRefresh(p));

    const { check } = await healthOf(p);
    expect(check.status).toBe('warn');
    expect(check.output).toMatch(/could not be saved/);
    expect(h.logs.join('')).toMatch(/could not be saved/);

    // Served from memory, without another refresh.
    const second = await p.ask();
    expect(second.status, second.body).toBe(200);
    expect(p.bearers().at(-1)).toBe(issued);
    expect(p.oauth.refreshCalls).toBe(1);

    // The upstream revokes it: the next refresh redeems the new refresh token, not the spent one
    // (the token server refuses a spent one with invalid_grant).
    p.revoke(issued);
    const third = await p.ask();
    expect(third.status, third.body).toBe(200);
    expect(p.oauth.refreshCalls).toBe(2);
    expect(p.oauth.calls.map((c) => c.params.refresh_token)).toEqual([initialRefresh(p), 'fake-refresh-1']);

    // The fault ends: a retry lands the newest tokens, and /health stops warning about it.
    for (const undo of undos) await undo();
    await waitFor(async () => p.refreshTokenOf(await fileContent(p)) === 'fake-refresh-2', 'the retried write');
    expect(p.oauth.validRefreshTokens.has('fake-refresh-2')).toBe(true);
    expect((await fs.stat(p.file)).mode & 0o777).toBe(0o600);
    // The file is renamed into place a moment before the refresher marks the tokens saved: wait for that.
    await waitFor(async () => !/could not be saved/.test((await healthOf(p)).check.output ?? ''), '/health to stop warning about the unsaved tokens');
  });

  it('an unwritable credentials directory fails fast, before the refresh token is spent, and /health says so', async () => {
    h = await startOAuthProxy();
    const p = provider();
    const dir = path.dirname(p.file);
    undos.push(await makeDirReadOnly(dir));
    const res = await p.ask();
    expect(res.status).toBe(401);
    expect(res.body).toMatch(/not writable/);
    expect(res.body).toContain(dir);
    expect(p.oauth.calls).toHaveLength(0);
    const { check } = await healthOf(p);
    expect(check.status).not.toBe('pass');
    expect(check.output).toMatch(/not writable/);

    // Writable again: the refresh token was never spent, so the refresh simply works.
    for (const undo of undos) await undo();
    const ok = await p.ask();
    expect(ok.status, ok.body).toBe(200);
    expect(p.oauth.refreshCalls).toBe(1);
  });

  it('a symlinked credentials file is written through the link, atomically in the target directory; the link stays', async () => {
    let target = '';
    h = await startOAuthProxy({
      prepare: async (paths) => {
        const real = path.join(paths.dir, 'elsewhere');
        await fs.mkdir(real);
        target = path.join(real, 'creds.json');
        await fs.rename(paths[which], target);
        await fs.symlink(path.relative(path.dirname(paths[which]), target), paths[which]);
      },
    });
    const p = provider();
    const linkText = await fs.readlink(p.file);
    const res = await p.ask();
    expect(res.status, res.body).toBe(200);
    expect((await fs.lstat(p.file)).isSymbolicLink()).toBe(true);
    expect(await fs.readlink(p.file)).toBe(linkText);
    const content = JSON.parse(await fs.readFile(target, 'utf8')) as Record<string, unknown>;
    expect(p.refreshTokenOf(content)).toBe('fake-refresh-1');
    expect((await fs.stat(target)).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(path.dirname(target))).toEqual(['creds.json']);
    expect((await fs.readdir(path.dirname(p.file))).filter((n) => !n.startsWith(path.basename(p.file)))).toEqual([]);
  });

  it.each(['fifo', 'directory'] as const)('a %s at the credentials path is refused at once with a clear message', async (kind) => {
    h = await startOAuthProxy({
      core: { plugin_init_timeout: 20 },
      prepare: async (paths) => {
        await fs.rm(paths[which]);
        if (kind === 'fifo') {
          execFileSync('mkfifo', [paths[which]]);
          fifos.push(paths[which]);
        } else {
          await fs.mkdir(paths[which]);
        }
      },
    });
    const p = provider();
    const record = h.proxy.registry.get(p.name)!;
    // Startup did not wait on the file: the plugin is up and says what is wrong.
    expect(record.state, record.reason).toBe('active');
    expect(record.plugin!.startupInfo!().credentials?.message).toMatch(/not a regular file/);
    const res = await p.ask();
    expect(res.status).toBe(401);
    expect(res.body).toMatch(/not a regular file/);
    const { check } = await healthOf(p);
    expect(check.status).toBe('fail');
    expect(check.output).toMatch(/not a regular file/);
  });

  it('a token endpoint answering 200 without an access_token gives a clear 502 naming it; nothing is saved', async () => {
    h = await startOAuthProxy();
    const p = provider();
    const before = await fs.readFile(p.file, 'utf8');
    p.oauth.answerWith = { status: 200, body: { token_type: 'Bearer', expires_in: 3600 } };
    const res = await p.ask();
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(res.body).toContain(p.oauth.tokenUrl);
    expect(res.body).toMatch(/without an access_token/);
    expect(await fs.readFile(p.file, 'utf8')).toBe(before);
    expect(p.bearers()).toEqual([]);
  });

  it('tokens with CR/LF from the token endpoint are refused: never saved, never sent as a header', async () => {
    h = await startOAuthProxy();
    const p = provider();
    const before = await fs.readFile(p.file, 'utf8');
    p.oauth.answerWith = { status: 200, body: { access_token: 'fake-access-1\r\nx-injected: yes', refresh_token: 'fake-refresh-1', expires_in: 3600 } };
    const res = await p.ask();
    expect(res.status).toBe(502);
    expect(res.body).toMatch(/control characters/);
    expect(res.body).toContain(p.oauth.tokenUrl);
    expect(await fs.readFile(p.file, 'utf8')).toBe(before);
    expect(p.bearers()).toEqual([]);
  });

  it('an access token with CR/LF in the credentials file is refused with a clear 401 and never sent', async () => {
    h = await startOAuthProxy({
      prepare: async (paths) => {
        const content = JSON.parse(await fs.readFile(paths[which], 'utf8')) as Record<string, Record<string, unknown>>;
        if (which === 'claude') Object.assign(content.claudeAiOauth!, { accessToken: 'fake-access-1\r\nx-injected: yes', expiresAt: Date.now() + 3600_000 });
        else content.tokens!.access_token = `${accessToken(3600)}\r\nx-injected: yes`;
        await fs.writeFile(paths[which], JSON.stringify(content));
      },
    });
    const p = provider();
    const res = await p.ask();
    expect(res.status).toBe(401);
    expect(res.body).toMatch(/control characters/);
    expect(p.bearers()).toEqual([]);
    expect(p.oauth.calls).toHaveLength(0);
  });

  it('a token endpoint error quoting the refresh token (and other secrets) reaches no client body, /health or log line', async () => {
    h = await startOAuthProxy({ core: { server: { auth_token: AUTH } } });
    const p = provider();
    const foreignJwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzb21lb25lLWVsc2UifQ.c2lnbmF0dXJlLW9mLXNvbWVvbmUtZWxzZQ';
    p.oauth.failWith = { status: 400, error: 'invalid_grant', description: `refresh token ${initialRefresh(p)} is revoked (session ${foreignJwt}, key sk-proj-abcdefghijklmnopqrstuvwx)` };
    const res = await p.ask({ authorization: `Bearer ${AUTH}` });
    expect(res.status).toBe(401);
    expect(res.body).toContain('invalid_grant');
    const outputs = {
      'client body': res.body,
      '/health': (await healthOf(p)).text,
      '/health with the token': (await healthOf(p, { authorization: `Bearer ${AUTH}` })).text,
      '/plugins': await (await fetch(`${h.proxy.url}/plugins`, { headers: { authorization: `Bearer ${AUTH}` } })).text(),
      log: h.logs.join(''),
    };
    expect(outputs['/health with the token']).toContain('invalid_grant');
    for (const [where, text] of Object.entries(outputs)) {
      for (const secret of [initialRefresh(p), foreignJwt, foreignJwt.split('.')[1]!, 'sk-proj-abcdefghijklmnopqrstuvwx', AUTH]) {
        expect(text.includes(secret), `${where} contains ${secret.slice(0, 16)}…`).toBe(false);
      }
    }
  });
});

describe('/health and server.auth_token', () => {
  it('without the token: status per component only; with it: the details', async () => {
    h = await startOAuthProxy({ core: { server: { auth_token: AUTH } } });
    await h.claude.ask({ authorization: `Bearer ${AUTH}` });
    const callers: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token' }, { 'x-api-key': 'wrong' }];
    for (const headers of callers) {
      const res = await fetch(`${h.proxy.url}/health`, { headers });
      expect(res.status).toBeLessThan(600);
      const text = await res.text();
      const doc = JSON.parse(text) as { status: string; checks: Record<string, Array<Record<string, unknown>>> };
      expect(['pass', 'warn', 'fail']).toContain(doc.status);
      expect(Object.keys(doc.checks).sort()).toEqual(['plugin:claude_api', 'plugin:codex']);
      for (const [, [check]] of Object.entries(doc.checks)) {
        expect(Object.keys(check!).sort()).toEqual(['componentId', 'status']);
      }
      for (const leak of [h.dir, 'credentials', 'max', 'expires', '127.0.0.1', 'refresh']) expect(text).not.toContain(leak);
    }
    const full = await healthOf(h.claude, { authorization: `Bearer ${AUTH}` });
    expect(full.check.details?.credentials_file).toBe(h.claude.file);
    expect((await healthOf(h.codex, { 'x-api-key': AUTH })).check.details?.credentials_file).toBe(h.codex.file);
  });

  it('on loopback without a configured token: the details', async () => {
    h = await startOAuthProxy();
    expect((await healthOf(h.claude)).check.details?.credentials_file).toBe(h.claude.file);
  });
});
