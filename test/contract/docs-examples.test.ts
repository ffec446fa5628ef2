/**
 * The code docs/plugin-development.md shows is the examples' real code: a block whose fence names
 * a file (```ts examples/acme-provider/src/adapter.ts) must be that file, or excerpts of it in
 * order, where a line `// …` stands for lines left out. The examples themselves are compiled
 * against the packed ccproxy-node and served by package.contract.test.ts, so together a page a
 * third party follows cannot drift from code that works.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './packed-install.js';

const DOC = 'docs/plugin-development.md';
const ELISION = /^\s*\/\/ …$/;

interface Block {
  file: string;
  line: number;
  code: string[];
}

function blocksNamingFiles(markdown: string): Block[] {
  const blocks: Block[] = [];
  let open: Block | undefined;
  let inOther = false;
  markdown.split('\n').forEach((text, i) => {
    const fence = /^```(\S*)\s*(\S*)\s*$/.exec(text);
    if (open) {
      if (text === '```') {
        blocks.push(open);
        open = undefined;
      } else {
        open.code.push(text);
      }
    } else if (fence && inOther) {
      inOther = false;
    } else if (fence) {
      if (fence[2]) open = { file: fence[2], line: i + 1, code: [] };
      else inOther = true;
    }
  });
  return blocks;
}

/** The block's runs between `// …` lines, each found in `source` after the previous one. */
function missingRun(code: string[], source: string): string | undefined {
  let from = 0;
  const runs: string[][] = [[]];
  for (const line of code) {
    if (ELISION.test(line)) runs.push([]);
    else runs.at(-1)!.push(line);
  }
  for (const run of runs.filter((r) => r.length > 0)) {
    const text = run.join('\n');
    const at = source.indexOf(text, from);
    if (at < 0) return text;
    from = at + text.length;
  }
  return undefined;
}

describe(`${DOC}: code blocks that name a file`, () => {
  const blocks = blocksNamingFiles(readFileSync(join(ROOT, DOC), 'utf8'));

  it('are there: both walkthroughs show their packages', () => {
    const files = blocks.map((b) => b.file);
    expect(files).toEqual(expect.arrayContaining([
      'examples/acme-provider/package.json',
      'examples/acme-provider/src/config.ts',
      'examples/acme-provider/src/adapter.ts',
      'examples/acme-provider/src/plugin.ts',
      'examples/request-log-plugin/src/plugin.ts',
    ]));
  });

  it.each(blocks.map((b) => [`${b.file} (line ${b.line})`, b] as const))('%s is the file, or excerpts of it in order', (_name, block) => {
    const source = readFileSync(join(ROOT, block.file), 'utf8');
    expect(missingRun(block.code, source), `a run of ${DOC}:${block.line} that ${block.file} does not have (in this order)`).toBeUndefined();
  });
});
