/**
 * Values shared between requests. Clients resend the same large parts on every turn (Claude Code
 * its 35 KB `tools` and its system prompt, every client the conversation so far); the body parser
 * hands out one parsed copy of such a part to every request that carries its exact bytes (see
 * src/core/http/repeated-parts.ts), and conversions and serialization cache their work on it by
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

/**
 * Where a shared value's bytes sit in the raw body it was parsed from (the body parser records it
 * when it hands out a shared value). A plugin that edits the raw bytes can then search that value's
 * range instead of the whole body.
 */
const rangesByBody = new WeakMap<Buffer, Array<{ value: object; start: number; end: number }>>();

export function recordSharedRange(body: Buffer, value: object, start: number, end: number): void {
  const ranges = rangesByBody.get(body);
  if (ranges) ranges.push({ value, start, end });
  else rangesByBody.set(body, [{ value, start, end }]);
}

/** The byte range `[start, end)` of `value` in `body`, if the parser took it from there. */
export function sharedRangeIn(body: Buffer, value: unknown): [number, number] | undefined {
  const range = rangesByBody.get(body)?.find((r) => r.value === value);
  return range && [range.start, range.end];
}
