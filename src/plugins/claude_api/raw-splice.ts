/**
 * Fast path for the one edit Claude Code requests always need (its `x-anthropic-billing-header:`
 * system block removed, see request-body.ts): cut the block's bytes out of the client's raw body
 * instead of re-serializing the whole ~50 KB request. Profiling the native route with the real
 * Claude Code body showed that JSON.stringify alone took ~14 % of the proxy's CPU.
 *
 * Only exact, provable cases are spliced; anything else returns null and the caller serializes:
 * - the edit only removed whole system blocks (no block was rewritten, nothing else changed);
 * - each removed block, serialized the way JSON.stringify (and so every JS client) writes it and
 *   followed by a comma, occurs exactly once in the raw body (in the system's own bytes, when the
 *   body parser shared a repeated system and so knows where they are);
 * - the billing marker occurs there exactly as often as blocks were removed, so the match cannot
 *   be a look-alike block elsewhere (e.g. quoted in a message).
 */
import { sharedRangeIn } from '../../core/json/shared-value.js';

const MARKER = Buffer.from('x-anthropic-billing-header:');

export function spliceRemovedSystemBlocks(raw: Buffer, before: unknown, after: unknown): Buffer | null {
  if (!Array.isArray(before) || !Array.isArray(after)) return null;
  const kept = new Set(after);
  if (after.length >= before.length || !after.every((b) => before.includes(b))) return null;
  const removed = before.filter((b) => !kept.has(b));
  // A system the client repeats is shared, and the parser knows its exact bytes: the removed blocks
  // are in there, and so is every marker that counts (the same proof on 8 KB instead of 57 KB).
  const [lo, hi] = sharedRangeIn(raw, before) ?? [0, raw.length];
  const area = raw.subarray(lo, hi);
  if (count(area, MARKER) !== removed.length) return null;
  const cuts: Array<[number, number]> = [];
  for (const block of removed) {
    const needle = Buffer.from(`${JSON.stringify(block)},`);
    const at = area.indexOf(needle);
    if (at === -1) return null;
    // A second occurrence of a needle holding the marker would need a second marker, and the count
    // above allows exactly one: skip that extra scan in the usual one-block case.
    const unique = removed.length === 1 && needle.includes(MARKER);
    if (!unique && area.indexOf(needle, at + 1) !== -1) return null;
    cuts.push([lo + at, lo + at + needle.length]);
  }
  cuts.sort((a, b) => a[0] - b[0]);
  const parts: Buffer[] = [];
  let from = 0;
  for (const [start, end] of cuts) {
    if (start < from) return null;
    parts.push(raw.subarray(from, start));
    from = end;
  }
  parts.push(raw.subarray(from));
  return Buffer.concat(parts);
}

function count(haystack: Buffer, needle: Buffer): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}
