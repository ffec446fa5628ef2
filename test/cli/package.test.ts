/**
 * The package as npm sees it, after the build: named `ccproxy-node` with the `ccproxy` binary in
 * it, and `import('ccproxy-node')` (resolved through package.json `exports`, as a dependent would)
 * gives a `startProxy` that serves.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAIN, sandbox } from './run-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

describe('the ccproxy-node package', () => {
  it('is named ccproxy-node, and ships the ccproxy binary and the programmatic entry', async () => {
    const pkg = JSON.parse(await readFile(`${ROOT}package.json`, 'utf8')) as { name: string; bin: Record<string, string> };
    expect(pkg.name).toBe('ccproxy-node');
    expect(Object.keys(pkg.bin)).toEqual(['ccproxy']);
    expect(`${ROOT}${pkg.bin.ccproxy}`).toBe(MAIN);
    const { stdout } = await run('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'package.json', 'README.md']));
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
  });

  it("import('ccproxy-node') gives startProxy, and it serves", async () => {
    const box = await sandbox();
    try {
      const script = [
        "const { startProxy, VERSION } = await import('ccproxy-node');",
        `const proxy = await startProxy({ env: { HOME: ${JSON.stringify(box.home)} }, overrides: { server: { port: 0 }, enabled_plugins: [], logging: { level: 'silent' } } });`,
        "const live = await (await fetch(`${proxy.url}/health/live`)).json();",
        'await proxy.close();',
        'console.log(JSON.stringify({ live, VERSION }));',
      ].join('\n');
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
      const out = JSON.parse(stdout) as { live: { serviceId: string; version: string }; VERSION: string };
      expect(out.live).toMatchObject({ serviceId: 'ccproxy', version: out.VERSION });
    } finally {
      await box.cleanup();
    }
  });
});
