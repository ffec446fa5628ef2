import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CredentialFile, CredentialFileError, writeJsonAtomic } from '../../../src/core/auth/credential-file.js';

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
});
