/**
 * Values shared between requests. Clients resend the same large parts on every turn (Claude Code
 * its 35 KB `tools`, a Codex base prompt its 21 KB of instructions); the body parser hands out one
 * parsed copy of such a part to every request that carries its exact bytes (see
 * src/core/http/repeated-tools.ts), and conversions and serialization cache their work on it by
 * identity.
 *
 * Sharing is only safe if nobody writes to the value, so a shared value is deep-frozen: a plugin
 * that edits a request body in place (instead of copy-on-write) fails loudly instead of changing
 * the next request. `isSharedValue` is true only for values made shared here, never for something
 * a caller merely froze, so a cache keyed on it knows the whole tree is immutable.
 */
const shared = new WeakSet<object>();

/** Deep-freeze `value` and mark it shared. Returns it. */
export function shareValue<T>(value: T): T {
  freezeTree(value);
  if (value !== null && typeof value === 'object') shared.add(value);
  return value;
}

export function isSharedValue(value: unknown): value is object {
  return value !== null && typeof value === 'object' && shared.has(value);
}

function freezeTree(value: unknown): void {
  // Not `Object.isFrozen`: a node someone else froze may still hold unfrozen children.
  if (value === null || typeof value !== 'object' || shared.has(value)) return;
  Object.freeze(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) freezeTree(child);
}
