/**
 * The plugin seam holds: every module under src/plugins reaches the framework only through the
 * public entry (src/plugin.ts, published as `ccproxy-node/plugin`), and the built package exposes
 * that entry by name. The eslint rule says the same while editing; this test holds it in CI.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles } from '../helpers/import-cycles.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = path.join(ROOT, 'src');
const ENTRY = path.join(SRC, 'plugin.ts');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports, static or dynamic, side-effect imports included. */
function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s*'([^']+)'/g, /\bimport\s*'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

function resolvesInto(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
}

describe('the plugin seam', () => {
  it('plugins import nothing of core or formats except through src/plugin.ts', () => {
    const offenders: string[] = [];
    const files = tsFiles(path.join(SRC, 'plugins'));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        const target = resolvesInto(file, spec);
        if (!target || target === ENTRY) continue;
        const rel = path.relative(SRC, target);
        if (rel.startsWith(`core${path.sep}`) || rel.startsWith(`formats${path.sep}`)) offenders.push(`${path.relative(ROOT, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the test itself finds a deep import (it would catch one)', () => {
    const file = path.join(SRC, 'plugins', 'x', 'adapter.ts');
    expect(resolvesInto(file, '../../core/errors.js')).toBe(path.join(SRC, 'core', 'errors.ts'));
    expect(specifiers("import type { A } from '../../core/a.js';\nimport '../../core/b.js';\nconst c = await import('../../formats/c.js');")).toEqual([
      '../../core/a.js',
      '../../core/b.js',
      '../../formats/c.js',
    ]);
  });

  it('the built package exposes the entry as ccproxy-node/plugin, with types', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, { types: string; default: string }> };
    expect(pkg.exports['./plugin']).toEqual({ types: './dist/plugin.d.ts', default: './dist/plugin.js' });
    // A script inside the package resolves the package's own name through `exports` (as a dependent would).
    const probe = "const m = await import('ccproxy-node/plugin'); console.log(JSON.stringify(['ProxyError','convertRequest','providerRoutes','z','JsonBody'].filter((k) => !(k in m))));";
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(readFileSync(path.join(ROOT, 'dist', 'plugin.d.ts'), 'utf8')).toContain('ProviderPlugin');
  });
});

describe('no import cycles', () => {
  it('no file under src reaches itself through its imports, type-only ones included', () => {
    const files = new Map(tsFiles(SRC).map((f) => [f, readFileSync(f, 'utf8')]));
    const cycles = importCycles(files).map((c) => c.map((f) => path.relative(SRC, f)).join(' → '));
    // Shared types go in a leaf (`src/core/types.ts`, `src/formats/types.ts`, a folder's types.ts) that imports nothing.
    expect(cycles).toEqual([]);
  });

  it('the check finds a type-only cycle (it would catch one)', () => {
    const a = path.join(SRC, 'x', 'a.ts');
    const b = path.join(SRC, 'x', 'b.ts');
    const c = path.join(SRC, 'x', 'c.ts');
    const files = new Map([
      [a, "import type { B } from './b.js';\nexport interface A { b: B }"],
      [b, "export type { C } from './c.js';\nexport interface B { n: number }"],
      [c, "import type { A } from './a.js';\nexport type C = A;"],
    ]);
    expect(importCycles(files)).toEqual([[a, b, c]]);
    files.set(c, 'export type C = number;');
    expect(importCycles(files)).toEqual([]);
  });
});
