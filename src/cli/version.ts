/** The package version without importing the core (keeps `--version`/`--help` fast). */
import { readFileSync } from 'node:fs';

export function readVersion(): string {
  try {
    // src/cli and dist/cli are both two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
