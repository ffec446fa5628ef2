/**
 * Refusing keys no schema knows (typos) with the nearest known name, written the way the person
 * wrote the key: `sever` in a file → "did you mean `server`?", `SERVER__PROT` → "did you mean
 * `SERVER__PORT`?". Used for core settings, plugin section names and keys inside plugin sections.
 */
import { distance } from 'fastest-levenshtein';
import { envNameFor } from './env.js';
import type { UnknownKey } from './types.js';

export type { UnknownKey } from './types.js';


/** The candidate nearest to `name`, if it is near enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(wanted, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Up to 2 edits, or a third of the name for long ones: `prot` → `port`, `base_urll` → `base_url`.
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Where a key was written, as the person wrote it. */
export type KeySource = { kind: 'file'; file: string } | { kind: 'env'; name: string } | { kind: 'flag' };

/** `plugins.codx` (file), `PLUGINS__CODX__ENABLED` (env) or `plugins.codx` (flag) with its place. */
function spelled(path: string[], source: KeySource): string {
  if (source.kind === 'env') return `${source.name} in the environment`;
  const key = `\`${path.join('.')}\``;
  return source.kind === 'file' ? `${key} in ${source.file}` : `${key} from the command line`;
}

/** The suggestion in the same notation: the unknown segment replaced by the nearest known name. */
function suggestion(u: UnknownKey, source: KeySource): string {
  const near = closestName(u.path[u.path.length - 1] ?? '', u.known);
  if (near === undefined) return '';
  const fixed = [...u.path.slice(0, -1), near];
  if (source.kind === 'env') {
    // Keep whatever the variable had below the unknown segment (`PLUGINS__CODX__ENABLED`).
    const below = source.name.split('__').slice(u.path.length);
    return ` (did you mean ${[envNameFor(fixed), ...below].join('__')}?)`;
  }
  return ` (did you mean \`${fixed.join('.')}\`?)`;
}

/** One phrase per unknown key: "`sever` in /etc/c.toml (did you mean `server`?)", "SERVER__PROT in the environment (...)". */
export function describeUnknown(u: UnknownKey, source: KeySource): string {
  return `${spelled(u.path, source)}${suggestion(u, source)}`;
}
