/**
 * Import cycles among TypeScript files, type-only imports included: every file's relative imports
 * as the TypeScript compiler reads them (`import`, `import type`, `export … from`, `import()`),
 * then the strongly connected components of that graph (Tarjan) with more than one file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** `files`: path → source. Returns each cycle as its files, sorted. */
export function importCycles(files: ReadonlyMap<string, string>): string[][] {
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    const deps: string[] = [];
    for (const ref of ts.preProcessFile(source, true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), ref.fileName).replace(/\.js$/, '.ts');
      if (files.has(target) || existsSync(target)) deps.push(target);
    }
    graph.set(file, deps);
  }
  return stronglyConnected(graph).filter((c) => c.length > 1).map((c) => c.sort());
}

function stronglyConnected(graph: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    out.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}
