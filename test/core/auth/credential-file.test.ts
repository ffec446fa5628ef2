import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { CredentialFile, CredentialFileError, writeJsonAtomic } from '../../../src/core/auth/credential-file.js';
import { makeDirReadOnly, type Undo } from '../../fakes/fs-faults.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-cred-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('CredentialFile', () => {
  it('reads a missing file as null and creates it on update with mode 0600', async () => {
    const file = new CredentialFile({ path: path.join(dir, 'sub', 'creds.json') });
    expect(await file.read()).toBeNull();
    await file.update((cur) => ({ ...cur, a: 1 }));
    expect(await file.read()).toEqual({ a: 1 });
    const st = await fs.stat(file.path);
    expect(st.mode & 0o777).toBe(0o600);
    expect(await fs.readdir(path.dirname(file.path))).toEqual(['creds.json']);
  });

  it('keeps fields the caller does not own', async () => {
    const p = path.join(dir, 'c.json');
    await fs.writeFile(p, JSON.stringify({ mine: { token: 'old', extra: 'keep' }, foreign: { x: [1, 2] }, top: true }));
    const file = new CredentialFile({ path: p });
    await file.update((cur) => ({ ...cur!, mine: { ...(cur!.mine as object), token: 'new' } }));
    expect(JSON.parse(await fs.readFile(p, 'utf8'))).toEqual({ mine: { token: 'new', extra: 'keep' }, foreign: { x: [1, 2] }, top: true });
  });

  it.each([['not json {'], [''], ['[1,2]'], ['"str"']])('refuses a corrupt file (%j) and never overwrites it', async (content) => {
    const p = path.join(dir, 'c.json');
    await fs.writeFile(p, content);
    const file = new CredentialFile({ path: p });
    await expect(file.read()).rejects.toBeInstanceOf(CredentialFileError);
    let called = false;
    const err = await file.update(() => {
      called = true;
      return { a: 1 };
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialFileError);
    expect((err as CredentialFileError).kind).toBe('corrupt');
    expect((err as Error).message).toContain(p);
    expect(called).toBe(false);
    expect(await fs.readFile(p, 'utf8')).toBe(content);
  });

  it('skips the write when the mutator returns undefined', async () => {
    const p = path.join(dir, 'c.json');
    await fs.writeFile(p, '{"a":1}');
    const before = (await fs.stat(p)).mtimeMs;
    const file = new CredentialFile({ path: p });
    expect(await file.update(() => undefined)).toEqual({ a: 1 });
    expect(await fs.readFile(p, 'utf8')).toBe('{"a":1}');
    expect((await fs.stat(p)).mtimeMs).toBe(before);
  });

  it('serializes concurrent updates from independent handles (no lost update)', async () => {
    const p = path.join(dir, 'c.json');
    await fs.writeFile(p, '{"n":0}');
    const handles = Array.from({ length: 8 }, () => new CredentialFile({ path: p }));
    await Promise.all(
      handles.map((h) =>
        h.update(async (cur) => {
          const n = (cur!.n as number) + 1;
          await new Promise((r) => setTimeout(r, 5));
          return { ...cur!, n };
        }),
      ),
    );
    expect(JSON.parse(await fs.readFile(p, 'utf8'))).toEqual({ n: 8 });
  });

  it('takes over a stale lock left by a crashed process', async () => {
    const p = path.join(dir, 'c.json');
    await fs.writeFile(p, '{}');
    const file = new CredentialFile({ path: p, staleLockMs: 5000 });
    await fs.mkdir(file.lockPath);
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(file.lockPath, old, old);
    await file.update(() => ({ ok: true }));
    expect(await file.read()).toEqual({ ok: true });
  });

  it('gives up with a lock error when the lock is held and fresh', async () => {
    const p = path.join(dir, 'c.json');
    await fs.writeFile(p, '{}');
    const file = new CredentialFile({ path: p, lockWaitMs: 300 });
    await fs.mkdir(file.lockPath);
    const err = await file.update(() => ({ x: 1 })).catch((e: unknown) => e);
    expect((err as CredentialFileError).kind).toBe('lock');
    expect(await fs.readFile(p, 'utf8')).toBe('{}');
  });

  it('remove() deletes the file', async () => {
    const p = path.join(dir, 'c.json');
    await writeJsonAtomic(p, { a: 1 });
    const file = new CredentialFile({ path: p });
    await file.remove();
    expect(await file.read()).toBeNull();
  });

  it.each(['fifo', 'directory'] as const)('refuses a %s at the path at once (never waits on it), kind not_regular', async (kind) => {
    const p = path.join(dir, 'c.json');
    if (kind === 'fifo') execFileSync('mkfifo', [p]);
    else await fs.mkdir(p);
    const file = new CredentialFile({ path: p });
    try {
      const err = await file.read().catch((e: unknown) => e);
      expect((err as CredentialFileError).kind).toBe('not_regular');
      expect((err as Error).message).toMatch(kind === 'fifo' ? /is a FIFO .*not a regular file/ : /is a directory, not a regular file/);
      let called = false;
      await expect(file.update(() => {
        called = true;
        return { a: 1 };
      })).rejects.toBeInstanceOf(CredentialFileError);
      expect(called).toBe(false);
    } finally {
      if (kind === 'fifo') await fs.open(p, constants.O_WRONLY | constants.O_NONBLOCK).then((f) => f.close(), () => undefined);
    }
  });

  it('writes through a (relative, chained) symlink into the target directory; the links stay links', async () => {
    const real = path.join(dir, 'real');
    await fs.mkdir(real);
    await fs.writeFile(path.join(real, 'target.json'), '{"a":1,"keep":true}', { mode: 0o644 });
    await fs.symlink('real/target.json', path.join(dir, 'hop.json'));
    await fs.symlink('hop.json', path.join(dir, 'c.json'));
    const file = new CredentialFile({ path: path.join(dir, 'c.json') });
    await file.update((cur) => ({ ...cur!, a: 2 }));
    expect((await fs.lstat(file.path)).isSymbolicLink()).toBe(true);
    expect(await fs.readlink(file.path)).toBe('hop.json');
    expect(JSON.parse(await fs.readFile(path.join(real, 'target.json'), 'utf8'))).toEqual({ a: 2, keep: true });
    expect((await fs.stat(path.join(real, 'target.json'))).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(real)).toEqual(['target.json']);
    // A dangling link: the first write creates its target.
    await fs.rm(path.join(real, 'target.json'));
    await file.update(() => ({ fresh: true }));
    expect(JSON.parse(await fs.readFile(path.join(real, 'target.json'), 'utf8'))).toEqual({ fresh: true });
    await file.remove();
    expect((await fs.lstat(file.path)).isSymbolicLink()).toBe(true);
    expect(await fs.readdir(real)).toEqual([]);
  });

  describe('in a directory that takes no new files', () => {
    let undo: Undo | undefined;
    afterEach(async () => {
      await undo?.();
      undo = undefined;
    });

    it('fails at once with kind not_writable, before the mutator runs, and writeProblem() says so', async () => {
      const sub = path.join(dir, 'ro');
      await fs.mkdir(sub);
      const p = path.join(sub, 'c.json');
      await fs.writeFile(p, '{"a":1}');
      const file = new CredentialFile({ path: p });
      expect(await file.writeProblem()).toBeUndefined();
      undo = await makeDirReadOnly(sub);
      let called = false;
      const err = await file.update(() => {
        called = true;
        return { a: 2 };
      }).catch((e: unknown) => e);
      expect((err as CredentialFileError).kind).toBe('not_writable');
      expect((err as Error).message).toContain(`Credentials directory ${sub} is not writable`);
      expect(called).toBe(false);
      expect(await file.writeProblem()).toMatch(/is not writable/);
      expect(await file.read()).toEqual({ a: 1 });
    });

    it('checks the target directory of a symlink before the mutator runs', async () => {
      const real = path.join(dir, 'real');
      await fs.mkdir(real);
      await fs.writeFile(path.join(real, 't.json'), '{"a":1}');
      const link = path.join(dir, 'c.json');
      await fs.symlink(path.join(real, 't.json'), link);
      undo = await makeDirReadOnly(real);
      let called = false;
      const err = await new CredentialFile({ path: link }).update(() => {
        called = true;
        return { a: 2 };
      }).catch((e: unknown) => e);
      expect((err as CredentialFileError).kind).toBe('not_writable');
      expect((err as Error).message).toContain(real);
      expect(called).toBe(false);
    });
  });
});
