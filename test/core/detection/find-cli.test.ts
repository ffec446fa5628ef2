/** One lookup order for a CLI: the configured path alone, else PATH of the given environment, else a package's binary. */
import { chmodSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeBinaryPackages, findBundledCli, findCli } from '../../../src/core/detection/find-cli.js';

function executable(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\necho 1.0.0\n');
  chmodSync(file, 0o755);
  return file;
}

describe('findCli', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ccproxy-find-cli-'));
  const bin = path.join(root, 'bin');
  const onPath = executable(bin, 'tool');
  const other = executable(path.join(root, 'other'), 'tool');

  it('the configured path wins, and a wrong one is not worked around', () => {
    expect(findCli('tool', { configured: other, env: { PATH: bin } })).toEqual({ path: other, source: 'config' });
    expect(findCli('tool', { configured: path.join(root, 'missing'), env: { PATH: bin } })).toBeNull();
    expect(findCli('tool', { configured: bin, env: { PATH: bin } })).toBeNull();
  });

  it('then PATH of the environment it is given (not the process\'s)', () => {
    expect(findCli('tool', { env: { PATH: `/nonexistent${path.delimiter}${bin}` } })).toEqual({ path: onPath, source: 'path' });
    expect(findCli('tool', { env: {} })).toBeNull();
  });

  it('packages that are not installed are skipped', () => {
    expect(findBundledCli('claude', ['@ccproxy-test/not-installed'])).toBeNull();
    expect(findCli('claude', { env: {}, bundled: ['@ccproxy-test/not-installed'] })).toBeNull();
  });

  // The Agent SDK ships its binary for the common platforms only.
  const bundled = findBundledCli('claude', claudeBinaryPackages());
  it.runIf(bundled !== null)('then a binary a package ships (the Agent SDK\'s claude)', () => {
    expect(findCli('claude', { env: { PATH: bin }, bundled: ['@ccproxy-test/not-installed', ...claudeBinaryPackages()] })).toEqual({ path: bundled, source: 'bundled' });
    expect(findCli('tool', { env: { PATH: bin }, bundled: claudeBinaryPackages() })).toEqual({ path: onPath, source: 'path' });
  });
});
