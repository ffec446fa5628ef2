/**
 * Model-name patterns for routing tables and model maps: exact names, or globs where `*` matches
 * any run of characters (`claude-*`, `gpt-5*`, `*-mini`). Case-insensitive, anchored. Exact keys
 * win over globs; among globs the first declared wins (TOML tables keep their order).
 */

const cache = new Map<string, RegExp>();

export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    re = new RegExp(`^${escaped}$`, 'i');
    cache.set(glob, re);
  }
  return re;
}

/** The entry whose key matches `name`: an exact key first, else the first matching glob. */
export function matchPattern<T>(table: Record<string, T>, name: string): { pattern: string; value: T } | undefined {
  if (Object.hasOwn(table, name)) return { pattern: name, value: table[name] as T };
  const lower = name.toLowerCase();
  for (const [pattern, value] of Object.entries(table)) {
    if (!isGlob(pattern)) {
      if (pattern.toLowerCase() === lower) return { pattern, value };
      continue;
    }
    if (globToRegExp(pattern).test(name)) return { pattern, value };
  }
  return undefined;
}
