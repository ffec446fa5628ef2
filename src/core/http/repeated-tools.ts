/**
 * Parse a client's `tools` once per conversation, not once per turn. Every request of a Claude
 * Code session carries the same ≈ 35 KB tool list (the Codex CLI and the SDKs do the same), and
 * parsing it was most of the proxy's cost on a large body. Once a top-level `tools` value has been
 * seen twice and re-serializes to exactly its bytes in the body, those bytes and the parsed value
 * (deep-frozen, shared: see src/core/json/shared-value.ts) are kept; a later body that carries the
 * same bytes as its top-level `"tools":` value gets that value and only the rest is parsed.
 *
 * Exact by construction, never a guess:
 * - the bytes must match a cached entry completely (memcmp), at an occurrence of `"tools":[`;
 * - the rest is parsed with a unique string (random per process) standing in for the value, and
 *   the hit only counts if the parsed body's top-level `tools` is that string. A JSON string token
 *   can only parse as one whole value, so the matched bytes were exactly the top-level value (not
 *   a look-alike inside a message, not the middle of a string), and swapping one complete JSON
 *   value for another leaves the rest of the document as it was. Anything else: a full parse.
 */
import { randomUUID } from 'node:crypto';
import { rememberJsonBytes } from '../json/json-bytes.js';
import { shareValue } from '../json/shared-value.js';
import { encodeUtf8 } from '../json/utf8.js';

const KEY = Buffer.from('"tools":[');
/** Bytes of the value's start that pick the candidate entries. */
const PREFIX = 64;
/** Smaller tool lists parse in no time; not worth an entry. */
const MIN_VALUE_BYTES = 2048;
/** Bounds the cache's memory (eight entries, bytes and parsed value each). */
const MAX_VALUE_BYTES = 1024 * 1024;
const MAX_ENTRIES = 8;
/** Occurrences of `"tools":[` tried per body (one, unless a message quotes such JSON). */
const MAX_CANDIDATES = 4;
const MAX_PENDING = 64;

export const TOOLS_PLACEHOLDER = `ccproxy-shared-tools-${randomUUID()}`;
const PLACEHOLDER_JSON = JSON.stringify(TOOLS_PLACEHOLDER);

interface Entry {
  bytes: Buffer;
  value: unknown[];
}

export interface ToolsHit {
  /** Byte range of the value (from its `[` to its `]`) in the body. */
  start: number;
  end: number;
  value: unknown[];
}

export class RepeatedTools {
  /** First PREFIX bytes (latin1) → entries; the first bucket in Map order is evicted from first. */
  private readonly entries = new Map<string, Entry[]>();
  private size = 0;
  /** Tool lists seen once (→ true) or found not to re-serialize to their bytes (→ false). */
  private readonly pending = new Map<string, boolean>();

  constructor(private readonly minBodyBytes = 16 * 1024) {}

  /** The cached tools whose bytes are this body's `"tools":` value, if any (still to be confirmed by `TOOLS_PLACEHOLDER`). */
  find(body: Buffer): ToolsHit | undefined {
    if (this.size === 0 || body.length < this.minBodyBytes) return undefined;
    let hit: Entry | undefined;
    const start = firstToolsValue(body, (at) => {
      if (body.length - at < MIN_VALUE_BYTES) return false;
      hit = this.entries.get(body.toString('latin1', at, at + PREFIX))?.find((entry) => bytesAt(body, at, entry.bytes));
      return hit !== undefined;
    });
    return hit && { start, end: start + hit.bytes.length, value: hit.value };
  }

  /** After a full parse: keep `parsed.tools` if this is its second sighting and it serializes to its own bytes in `body`. */
  learn(body: Buffer, parsed: Record<string, unknown>): void {
    const tools = parsed.tools;
    if (!Array.isArray(tools) || tools.length === 0 || body.length < this.minBodyBytes) return;
    const signature = signatureOf(tools);
    const state = this.pending.get(signature);
    if (state === undefined) {
      if (this.pending.size >= MAX_PENDING) this.pending.clear();
      this.pending.set(signature, true);
      return;
    }
    if (!state) return;
    const bytes = encodeUtf8(JSON.stringify(tools));
    const found = bytes.length >= MIN_VALUE_BYTES && bytes.length <= MAX_VALUE_BYTES && firstToolsValue(body, (at) => bytesAt(body, at, bytes)) !== -1;
    if (!found) {
      // Too small or too large to keep, or a client that writes its JSON differently (spaces,
      // escapes, key order): never try again for this list.
      this.pending.set(signature, false);
      return;
    }
    this.pending.delete(signature);
    this.add({ bytes, value: shareValue(tools) });
    // The same bytes are what jsonBytes would serialize the shared list to.
    rememberJsonBytes(tools, bytes);
  }

  private add(entry: Entry): void {
    if (this.size >= MAX_ENTRIES) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry[]];
      oldest.shift();
      if (oldest.length === 0) this.entries.delete(oldestKey);
      this.size--;
    }
    const key = entry.bytes.toString('latin1', 0, PREFIX);
    const bucket = this.entries.get(key);
    if (bucket) bucket.push(entry);
    else this.entries.set(key, [entry]);
    this.size++;
  }
}

/** The first start (at its `[`) of a `"tools":[` value that `match` accepts, among the first MAX_CANDIDATES; -1 if none. */
function firstToolsValue(body: Buffer, match: (start: number) => boolean): number {
  for (let at = body.indexOf(KEY), n = 0; at !== -1 && n < MAX_CANDIDATES; at = body.indexOf(KEY, at + KEY.length), n++) {
    const start = at + KEY.length - 1;
    if (match(start)) return start;
  }
  return -1;
}

function bytesAt(body: Buffer, start: number, bytes: Buffer): boolean {
  return start + bytes.length <= body.length && bytes.compare(body, start, start + bytes.length) === 0;
}

/** The body's text with the hit's bytes replaced by the placeholder string. */
export function withPlaceholder(decode: (bytes: Buffer) => string, body: Buffer, hit: ToolsHit): string {
  return decode(body.subarray(0, hit.start)) + PLACEHOLDER_JSON + decode(body.subarray(hit.end));
}

/** Cheap identity of a tool list for "seen before?": count and names. */
function signatureOf(tools: unknown[]): string {
  let s = String(tools.length);
  for (const t of tools) {
    const tool = t as { name?: unknown; type?: unknown; function?: { name?: unknown } } | null;
    s += `\u0000${String(tool?.name ?? tool?.function?.name ?? tool?.type ?? '')}`;
  }
  return s;
}
