/** The copilot plugin is written on the public plugin entry only: no other module of ccproxy, no deep import. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const DIR = path.join(SRC, 'plugins', 'copilot');
const ENTRY = path.join(SRC, 'plugin.ts');

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

describe('src/plugins/copilot imports', () => {
  it('only the public entry, its own modules and node: built-ins (types from fastify/pino allowed)', () => {
    const offenders: string[] = [];
    for (const file of files(DIR)) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'([^']+)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
          if (target === ENTRY || target.startsWith(DIR + path.sep)) continue;
        } else if ((spec === 'fastify' || spec === 'pino') && new RegExp(`import type [^;]*'${spec}'`).test(source)) continue;
        offenders.push(`${path.relative(SRC, file)} → ${spec}`);
      }
    }
    expect(files(DIR).length).toBeGreaterThan(8);
    expect(offenders).toEqual([]);
  });
});
