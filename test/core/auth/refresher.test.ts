import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CredentialFile } from '../../../src/core/auth/credential-file.js';
import { TokenRefresher, UnsavedTokensError, type RefreshGuard, type TokenSnapshot } from '../../../src/core/auth/refresher.js';
import { refreshUnderLock } from '../../../src/core/auth/file-token-store.js';
import { makeFileIrreplaceable, type Undo } from '../../fakes/fs-faults.js';

interface Snap extends TokenSnapshot {
  refreshToken: string;
}

describe('TokenRefresher', () => {
  it('returns stored credentials untouched while they are fresh', async () => {
    let refreshes = 0;
    const r = new TokenRefresher<Snap>({
      load: async () => ({ accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3600_000 }),
      refresh: async () => {
        refreshes++;
        return { accessToken: 'b', refreshToken: 'r2' };
      },
    });
    expect((await r.getValid())?.accessToken).toBe('a');
    expect(refreshes).toBe(0);
    expect(r.lastRefresh).toBeNull();
  });

  it('refreshes inside the margin, once for many concurrent callers', async () => {
    let refreshes = 0;
    let stored: Snap = { accessToken: 'old', refreshToken: 'r', expiresAt: Date.now() + 60_000 };
    const r = new TokenRefresher<Snap>({
      load: async () => stored,
      cacheMs: 0,
      marginMs: 120_000,
      refresh: async () => {
        refreshes++;
        await new Promise((res) => setTimeout(res, 30));
        stored = { accessToken: 'new', refreshToken: 'r2', expiresAt: Date.now() + 3600_000 };
        return stored;
      },
    });
    const all = await Promise.all(Array.from({ length: 20 }, () => r.getValid()));
    expect(refreshes).toBe(1);
    expect(new Set(all.map((s) => s?.accessToken))).toEqual(new Set(['new']));
    expect(r.lastRefresh?.ok).toBe(true);
  });

  it('records a failed refresh and lets the next caller try again', async () => {
    let fail = true;
    const r = new TokenRefresher<Snap>({
      load: async () => ({ accessToken: 'old', refreshToken: 'r', expiresAt: Date.now() - 1 }),
      refresh: async () => {
        if (fail) throw new Error('invalid_grant');
        return { accessToken: 'new', refreshToken: 'r2', expiresAt: Date.now() + 3600_000 };
      },
    });
    await expect(r.getValid()).rejects.toThrow('invalid_grant');
    expect(r.lastRefresh).toMatchObject({ ok: false, error: 'invalid_grant' });
    fail = false;
    expect((await r.getValid())?.accessToken).toBe('new');
    expect(r.refreshCount).toBe(2);
  });

  it('refresh after a refused token: one refresh, or the token another process stored meanwhile', async () => {
    let stored: Snap = { accessToken: 'revoked', refreshToken: 'r', expiresAt: Date.now() + 3600_000 };
    let refreshes = 0;
    const r = new TokenRefresher<Snap>({
      load: async () => stored,
      refresh: async () => {
        refreshes++;
        stored = { accessToken: 'good', refreshToken: 'r2', expiresAt: Date.now() + 3600_000 };
        return stored;
      },
    });
    const first = await r.token();
    expect(first.accessToken).toBe('revoked');
    const [a, b] = await Promise.all([r.refresh(first), r.refresh(first)]);
    expect([a.accessToken, b.accessToken]).toEqual(['good', 'good']);
    expect(refreshes).toBe(1);
    // Another process stored a fresh token: taken without a refresh of our own.
    stored = { accessToken: 'theirs', refreshToken: 'r3', expiresAt: Date.now() + 3600_000 };
    expect((await r.refresh(a)).accessToken).toBe('theirs');
    expect(refreshes).toBe(1);
  });

  it('token throws the store\'s missing error without credentials', async () => {
    const r = new TokenRefresher<Snap>({ load: async () => null, refresh: async (s) => s, missing: () => new Error('log in first') });
    await expect(r.token()).rejects.toThrow('log in first');
  });
});

describe('TokenRefresher with tokens storage could not take', () => {
  const filed: Snap = { accessToken: 'a0', refreshToken: 'r0', expiresAt: Date.now() - 1 };
  function setup(saves: Array<'fail' | 'saved' | 'superseded'>) {
    const exchanged: string[] = [];
    const saved: Array<{ tokens: string; filed: string }> = [];
    const logs: string[] = [];
    let n = 0;
    const issue = (s: Snap): Snap => {
      exchanged.push(s.refreshToken);
      n++;
      return { accessToken: `a${n}`, refreshToken: `r${n}`, expiresAt: Date.now() + 3600_000 };
    };
    const r = new TokenRefresher<Snap>({
      where: '/creds.json',
      load: async () => filed,
      refresh: async (stale, guard) => {
        guard.assertUnspent(stale);
        const next = issue(stale);
        guard.spent(stale);
        throw new UnsavedTokensError(next, stale, new Error('EROFS: read-only file system'));
      },
      exchange: async (s) => issue(s),
      save: async (tokens, was) => {
        const outcome = saves.shift() ?? 'saved';
        if (outcome === 'fail') throw new Error('EROFS again');
        saved.push({ tokens: tokens.accessToken, filed: was.accessToken });
        return outcome;
      },
      retryMs: { initial: 10, max: 40 },
      logger: { info: (_o: unknown, m: string) => void logs.push(m), warn: (_o: unknown, m: string) => void logs.push(m), error: (_o: unknown, m: string) => void logs.push(m) } as never,
    });
    return { r, exchanged, saved, logs };
  }
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond()) await new Promise((res) => setTimeout(res, 5));
  };

  it('serves the new tokens, reports them, retries the write with backoff until it lands', async () => {
    const t = setup(['fail', 'fail']);
    expect((await t.r.getValid())?.accessToken).toBe('a1');
    expect(t.r.unsaved).toMatchObject({ attempts: 1, error: expect.stringContaining('EROFS') });
    expect(t.r.unsavedMessage()).toMatch(/could not be saved to \/creds.json .*serving them from memory/);
    expect((await t.r.current(true))?.accessToken).toBe('a1');
    await until(() => t.r.unsaved === null);
    expect(t.saved).toEqual([{ tokens: 'a1', filed: 'a0' }]);
    expect(t.logs).toEqual([
      expect.stringMatching(/could not be saved/), expect.stringMatching(/retrying/), expect.stringMatching(/retrying/), 'refreshed credentials saved',
    ]);
    expect(t.exchanged).toEqual(['r0']);
  });

  it('refreshes held tokens with their own refresh token, never the spent one, and saves the newest', async () => {
    const t = setup(['fail', 'fail', 'fail']);
    const first = await t.r.getValid();
    const second = await t.r.refreshOnce(first!);
    expect(second.accessToken).toBe('a2');
    expect(t.exchanged).toEqual(['r0', 'r1']);
    await until(() => t.r.unsaved === null);
    expect(t.saved.at(-1)).toEqual({ tokens: 'a2', filed: 'a0' });
  });

  it('drops held tokens when storage was replaced meanwhile (a new login wins)', async () => {
    const t = setup(['superseded']);
    await t.r.getValid();
    await until(() => t.r.unsaved === null);
    expect(t.logs.at(-1)).toMatch(/replaced meanwhile/);
  });

  it('close() makes one last attempt and says so when the tokens are lost', async () => {
    const t = setup(Array(10).fill('fail'));
    await t.r.getValid();
    await t.r.close();
    expect(t.r.unsaved).not.toBeNull();
    expect(t.logs.at(-1)).toMatch(/lost with this process: log in again/);
  });

  it('a refresh token this process already redeemed is never redeemed again', () => {
    let guard!: RefreshGuard<Snap>;
    const r = new TokenRefresher<Snap>({ load: async () => filed, refresh: async (s, g) => ((guard = g), s) });
    void r.refreshOnce(filed);
    guard.spent(filed);
    expect(() => guard.assertUnspent(filed)).toThrow(/already redeemed/);
    expect(() => guard.assertUnspent({ ...filed, refreshToken: 'other' })).not.toThrow();
  });
});

describe('refreshUnderLock', () => {
  let dir: string;
  let file: CredentialFile;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-refresh-'));
    file = new CredentialFile({ path: path.join(dir, 'c.json') });
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const guard: RefreshGuard<Snap> = { isFresh: (s) => (s.expiresAt ?? 0) > Date.now() + 1000, assertUnspent: () => undefined, spent: () => undefined };
  const opts = (exchange: (s: Snap) => Promise<Snap>) => ({
    file,
    extract: (c: Record<string, unknown> | null) => (c?.tok as Snap | undefined) ?? null,
    exchange,
    apply: (c: Record<string, unknown>, next: Snap) => ({ ...c, tok: { ...(c.tok as object), ...next } }),
    missing: () => new Error('no creds'),
  });

  it('exchanges and writes atomically, keeping foreign fields', async () => {
    await fs.writeFile(file.path, JSON.stringify({ other: 1, tok: { accessToken: 'a', refreshToken: 'r', expiresAt: 1, scopes: ['x'] } }));
    const next = await refreshUnderLock<Record<string, unknown>, Snap>({ accessToken: 'a', refreshToken: 'r', expiresAt: 1 }, opts(async (s) => ({ accessToken: 'b', refreshToken: `${s.refreshToken}2`, expiresAt: Date.now() + 3600_000 })), guard);
    expect(next.accessToken).toBe('b');
    const onDisk = JSON.parse(await fs.readFile(file.path, 'utf8'));
    expect(onDisk.other).toBe(1);
    expect(onDisk.tok).toMatchObject({ accessToken: 'b', refreshToken: 'r2', scopes: ['x'] });
  });

  it('uses a token another process already refreshed without calling the endpoint', async () => {
    const fresh = { accessToken: 'by-cli', refreshToken: 'r9', expiresAt: Date.now() + 3600_000 };
    await fs.writeFile(file.path, JSON.stringify({ tok: fresh }));
    let calls = 0;
    const next = await refreshUnderLock<Record<string, unknown>, Snap>({ accessToken: 'a', refreshToken: 'r', expiresAt: 1 }, opts(async (s) => {
      calls++;
      return s;
    }), guard);
    expect(next.accessToken).toBe('by-cli');
    expect(calls).toBe(0);
  });

  it('leaves the file untouched when the exchange fails', async () => {
    const content = JSON.stringify({ tok: { accessToken: 'a', refreshToken: 'r', expiresAt: 1 } });
    await fs.writeFile(file.path, content);
    await expect(refreshUnderLock<Record<string, unknown>, Snap>({ accessToken: 'a', refreshToken: 'r', expiresAt: 1 }, opts(async () => {
      throw new Error('invalid_grant');
    }), guard)).rejects.toThrow('invalid_grant');
    expect(await fs.readFile(file.path, 'utf8')).toBe(content);
  });

  it('a write that fails after the exchange throws UnsavedTokensError carrying the new tokens', async () => {
    const content = JSON.stringify({ tok: { accessToken: 'a', refreshToken: 'r', expiresAt: 1 } });
    await fs.writeFile(file.path, content);
    let undo: Undo | undefined;
    try {
      const err = await refreshUnderLock<Record<string, unknown>, Snap>({ accessToken: 'a', refreshToken: 'r', expiresAt: 1 }, opts(async () => {
        undo = await makeFileIrreplaceable(file.path);
        return { accessToken: 'b', refreshToken: 'r2' };
      }), guard).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsavedTokensError);
      expect((err as UnsavedTokensError<Snap>).tokens).toEqual({ accessToken: 'b', refreshToken: 'r2' });
      expect((err as UnsavedTokensError<Snap>).filed).toMatchObject({ accessToken: 'a', refreshToken: 'r' });
      expect(await fs.readFile(file.path, 'utf8')).toBe(content);
    } finally {
      await undo?.();
    }
  });

  it('throws missing() when the file has no credentials', async () => {
    await expect(refreshUnderLock<Record<string, unknown>, Snap>({ accessToken: 'a', refreshToken: 'r' }, opts(async (s) => s), guard)).rejects.toThrow('no creds');
  });
});
