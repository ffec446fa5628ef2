/**
 * Parse what a conversation repeats once, not on every turn. Every request of a Claude Code, Codex
 * CLI or SDK session resends the same tool list and system prompt, and the whole conversation so
 * far with one more turn appended: on a 57 KB Claude Code request, all but a few hundred bytes
 * were parsed before. Two kinds of parts are kept, each with its exact bytes and its parsed value
 * (deep-frozen and shared, see src/core/json/shared-value.ts):
 *
 * - whole values of `tools`, `system` and `instructions`, once one has been seen twice;
 * - the leading elements of `messages` (Anthropic, Chat) and `input` (Responses), once the first
 *   element has been seen twice: each turn extends the kept run by the elements it appended.
 *
 * A later body that carries a kept part's bytes at the place of that top-level value gets the
 * kept value, and only the rest is parsed. Exact by construction, never a guess:
 * - the bytes must match completely (memcmp) right after an occurrence of `"key":`;
 * - the rest is parsed with a unique string (random per process) standing in for the part, and
 *   the hit only counts if that string comes back as the top-level value (or the first element of
 *   the top-level array). A JSON string token parses as one whole value and the bytes it replaced
 *   are complete JSON values, so they were exactly that value (or those leading elements): not a
 *   look-alike inside a message, not the middle of a string, not a duplicate key JSON.parse
 *   drops. Anything else: a full parse.
 */
import { randomUUID } from 'node:crypto';
import { rememberJsonBytes } from '../json/json-bytes.js';
import { recordSharedRange, shareValue } from '../json/shared-value.js';
import { encodeUtf8 } from '../json/utf8.js';

const WHOLE_KEYS = ['tools', 'system', 'instructions'] as const;
const HISTORY_KEYS = ['messages', 'input'] as const;

/** Bytes of a part's start that pick the candidate entries. */
const PREFIX = 64;
/** Smaller parts parse in no time; not worth an entry. */
const MIN_PART_BYTES = 2048;
/** Bounds what the cache holds: each part, all parts together (bytes; the parsed values take about as much again), entries. */
const MAX_PART_BYTES = 2 * 1024 * 1024;
const MAX_TOTAL_BYTES = 8 * 1024 * 1024;
const MAX_ENTRIES = 32;
/** Occurrences of `"key":` tried per body (one, unless a message quotes such JSON). */
const MAX_CANDIDATES = 4;
const MAX_PENDING = 256;
const COMMA = 0x2c;
const CLOSE = 0x5d;
const COMMA_BYTES = Buffer.from(',');

const PROCESS_ID = randomUUID();
const placeholderFor = (key: string): string => `ccproxy-shared-${key}-${PROCESS_ID}`;

interface Entry {
  key: string;
  /** Whole: the value's JSON. History: the elements' JSON joined by commas (no brackets). */
  bytes: Buffer;
  /** History only: where each element's JSON ends in `bytes`. */
  ends?: number[];
  /** Whole: the shared value. History: the shared elements. */
  value: unknown;
}

export interface PartHit {
  spec: KeySpec;
  /** The body's bytes replaced by the placeholder: a whole value, or the leading elements of an array. */
  start: number;
  end: number;
  entry: Entry;
  /** History: how many leading elements matched. */
  count: number;
}

export interface KeySpec {
  key: string;
  history: boolean;
  /** `"key":`, and `[` too for an array whose elements are kept. */
  needle: Buffer;
  placeholder: string;
  placeholderJson: string;
}

const SPECS: KeySpec[] = [
  ...WHOLE_KEYS.map((key) => ({ key, history: false, needle: Buffer.from(`"${key}":`) })),
  ...HISTORY_KEYS.map((key) => ({ key, history: true, needle: Buffer.from(`"${key}":[`) })),
].map((s) => ({ ...s, placeholder: placeholderFor(s.key), placeholderJson: JSON.stringify(placeholderFor(s.key)) }));

export class RepeatedParts {
  /** `key` NUL first PREFIX bytes (latin1) → entries. */
  private readonly buckets = new Map<string, Entry[]>();
  /** Entries, least recently used first. */
  private readonly recent = new Set<Entry>();
  private totalBytes = 0;
  /** Parts seen once (→ true) or found not to re-serialize to their bytes (→ false), by fingerprint. */
  private readonly pending = new Map<string, boolean>();
  /** Where each key was last found, so the search for the next one starts after it (keys keep their order across turns). */
  private readonly lastAt = new Map<string, number>();

  constructor(private readonly minBodyBytes = 16 * 1024) {}

  /** The kept parts this body carries (still to be confirmed by `applyHits`), in body order. */
  find(body: Buffer): PartHit[] | undefined {
    if (this.recent.size === 0 || body.length < this.minBodyBytes) return undefined;
    const specs = SPECS.filter((s) => this.lastAt.has(s.key)).sort((a, b) => this.lastAt.get(a.key)! - this.lastAt.get(b.key)!);
    const hits: PartHit[] = [];
    let from = 0;
    for (const spec of specs) {
      const hit = this.findAt(body, spec, from) ?? (from > 0 ? this.findAt(body, spec, 0) : undefined);
      if (!hit || hits.some((h) => h.start < hit.end && hit.start < h.end)) continue;
      hits.push(hit);
      from = Math.max(from, hit.end);
    }
    return hits.length ? hits.sort((a, b) => a.start - b.start) : undefined;
  }

  /** After a parse (`hits`: what `find` gave and `applyHits` confirmed): keep the parts worth keeping. */
  learn(body: Buffer, parsed: Record<string, unknown>, hits: PartHit[] = []): void {
    if (body.length < this.minBodyBytes) return;
    for (const spec of SPECS) {
      const hit = hits.find((h) => h.spec === spec);
      if (hit) {
        this.touch(hit.entry);
        this.lastAt.set(spec.key, hit.start);
      }
      if (spec.history) this.learnHistory(body, parsed[spec.key], spec, hit);
      else if (!hit) this.learnWhole(body, parsed[spec.key], spec);
    }
  }

  private findAt(body: Buffer, spec: KeySpec, from: number): PartHit | undefined {
    let hit: PartHit | undefined;
    candidates(body, spec.needle, from, (start) => {
      if (body.length - start < MIN_PART_BYTES) return false;
      const bucket = this.buckets.get(bucketKey(spec.key, body, start));
      hit = bucket && (spec.history ? matchHistory(body, start, spec, bucket) : matchWhole(body, start, spec, bucket));
      return hit !== undefined;
    });
    return hit;
  }

  private learnWhole(body: Buffer, value: unknown, spec: KeySpec): void {
    const worth = typeof value === 'string' ? value.length >= MIN_PART_BYTES / 2 : Array.isArray(value) && value.length > 0;
    if (!worth || !this.secondSighting(spec.key, value)) return;
    const bytes = encodeUtf8(JSON.stringify(value));
    let start = -1;
    if (bytes.length >= MIN_PART_BYTES && bytes.length <= MAX_PART_BYTES) {
      start = candidates(body, spec.needle, 0, (at) => bytesAt(body, at, bytes));
    }
    if (start === -1) {
      // Too small or too large to keep, or a client that writes its JSON differently (spaces,
      // escapes, key order): never try again for this value.
      this.pending.set(fingerprintKey(spec.key, value), false);
      return;
    }
    const shared = shareValue(value);
    // The same bytes are what jsonBytes would serialize the shared value to.
    if (typeof shared === 'object' && shared !== null) rememberJsonBytes(shared, bytes);
    this.add({ key: spec.key, bytes, value: shared }, start);
  }

  private learnHistory(body: Buffer, list: unknown, spec: KeySpec, hit: PartHit | undefined): void {
    if (!Array.isArray(list) || list.length === 0) return;
    const kept = hit ? (hit.entry.value as unknown[]).slice(0, hit.count) : [];
    if (kept.length === list.length) return;
    if (!hit && !this.secondSighting(spec.key, list[0])) return;
    // The elements after the matched run, serialized; each must be the body's own bytes, in order.
    const parts: Buffer[] = [];
    const ends: number[] = [];
    let size = 0;
    let start: number;
    let at: number;
    if (hit) {
      const prefix = hit.entry.bytes.subarray(0, hit.entry.ends![hit.count - 1]);
      parts.push(prefix);
      ends.push(...hit.entry.ends!.slice(0, hit.count));
      size = prefix.length;
      start = hit.start;
      at = hit.end;
    } else {
      const first = elementBytes(list[0]);
      start = candidates(body, spec.needle, 0, (s) => bytesAt(body, s, first));
      if (start === -1) {
        this.pending.set(fingerprintKey(spec.key, list[0]), false);
        return;
      }
      parts.push(first);
      size = first.length;
      ends.push(size);
      kept.push(list[0]);
      at = start + size;
    }
    for (let i = kept.length; i < list.length; i++) {
      if (body[at] !== COMMA) break;
      const bytes = elementBytes(list[i]);
      if (size + 1 + bytes.length > MAX_PART_BYTES || !bytesAt(body, at + 1, bytes)) break;
      parts.push(COMMA_BYTES, bytes);
      size += 1 + bytes.length;
      ends.push(size);
      kept.push(list[i]);
      at += 1 + bytes.length;
    }
    if (size < MIN_PART_BYTES || (hit && kept.length === hit.count)) return;
    const bytes = Buffer.concat(parts, size);
    const values = kept.map((v) => shareValue(v));
    values.forEach((v, i) => {
      if (typeof v === 'object' && v !== null) rememberJsonBytes(v, bytes.subarray(i === 0 ? 0 : ends[i - 1]! + 1, ends[i]));
    });
    // A run that extends the matched entry replaces it; one that diverged from it is kept beside it.
    if (hit && hit.count === hit.entry.ends!.length) this.remove(hit.entry);
    this.add({ key: spec.key, bytes, ends, value: values }, start);
  }

  /** True on the second sighting of a value's fingerprint (the first one only records it). */
  private secondSighting(key: string, value: unknown): boolean {
    const fp = fingerprintKey(key, value);
    const state = this.pending.get(fp);
    if (state === undefined) {
      if (this.pending.size >= MAX_PENDING) this.pending.clear();
      this.pending.set(fp, true);
      return false;
    }
    if (state) this.pending.delete(fp);
    return state;
  }

  private add(entry: Entry, at: number): void {
    while (this.recent.size > 0 && (this.recent.size >= MAX_ENTRIES || this.totalBytes + entry.bytes.length > MAX_TOTAL_BYTES)) {
      this.remove(this.recent.values().next().value as Entry);
    }
    const key = bucketKey(entry.key, entry.bytes, 0);
    const bucket = this.buckets.get(key);
    if (bucket) bucket.push(entry);
    else this.buckets.set(key, [entry]);
    this.recent.add(entry);
    this.totalBytes += entry.bytes.length;
    this.lastAt.set(entry.key, at);
  }

  private remove(entry: Entry): void {
    if (!this.recent.delete(entry)) return;
    this.totalBytes -= entry.bytes.length;
    const key = bucketKey(entry.key, entry.bytes, 0);
    const bucket = this.buckets.get(key)!;
    bucket.splice(bucket.indexOf(entry), 1);
    if (bucket.length === 0) this.buckets.delete(key);
    if (![...this.recent].some((e) => e.key === entry.key)) this.lastAt.delete(entry.key);
  }

  private touch(entry: Entry): void {
    this.recent.delete(entry);
    this.recent.add(entry);
  }
}

/** The body's text with each hit's bytes replaced by its placeholder string. */
export function withPlaceholders(decode: (bytes: Buffer) => string, body: Buffer, hits: PartHit[]): string {
  let text = '';
  let at = 0;
  for (const hit of hits) {
    text += decode(body.subarray(at, hit.start)) + hit.spec.placeholderJson;
    at = hit.end;
  }
  return text + decode(body.subarray(at));
}

/** Put the kept values in place of the placeholders; false if one is not where its part must be (then parse in full). */
export function applyHits(body: Buffer, parsed: Record<string, unknown>, hits: PartHit[]): boolean {
  for (const { spec, entry, start, end, count } of hits) {
    const value = parsed[spec.key];
    if (!spec.history) {
      if (value !== spec.placeholder) return false;
      parsed[spec.key] = entry.value;
      if (typeof entry.value === 'object' && entry.value !== null) recordSharedRange(body, entry.value, start, end);
      continue;
    }
    if (!Array.isArray(value) || value[0] !== spec.placeholder) return false;
    parsed[spec.key] = (entry.value as unknown[]).slice(0, count).concat(value.slice(1));
  }
  return true;
}

function matchWhole(body: Buffer, start: number, spec: KeySpec, bucket: Entry[]): PartHit | undefined {
  const entry = bucket.find((e) => bytesAt(body, start, e.bytes));
  return entry && { spec, start, end: start + entry.bytes.length, entry, count: 1 };
}

/** The entry whose leading elements match the most of the array starting at `start`. */
function matchHistory(body: Buffer, start: number, spec: KeySpec, bucket: Entry[]): PartHit | undefined {
  let best: PartHit | undefined;
  for (const entry of bucket) {
    const ends = entry.ends!;
    // The usual case, a resent conversation: all of it matches at once.
    let count = bytesAt(body, start, entry.bytes) ? ends.length : 0;
    if (count === 0) {
      // Element by element (each compare includes the comma before it) up to the first change.
      for (let i = 0; i < ends.length; i++) {
        const from = i === 0 ? 0 : ends[i - 1]!;
        const to = ends[i]!;
        if (start + to > body.length || entry.bytes.compare(body, start + from, start + to, from, to) !== 0) break;
        count = i + 1;
      }
    }
    if (count === 0) continue;
    const end = start + ends[count - 1]!;
    const next = body[end];
    if ((next !== COMMA && next !== CLOSE) || end - start < MIN_PART_BYTES || (best && best.count >= count)) continue;
    best = { spec, start, end, entry, count };
  }
  return best;
}

/** The first value start after an occurrence of `needle` (from `from` on) that `match` accepts, among the first MAX_CANDIDATES; -1 if none. */
function candidates(body: Buffer, needle: Buffer, from: number, match: (start: number) => boolean): number {
  for (let at = body.indexOf(needle, from), n = 0; at !== -1 && n < MAX_CANDIDATES; at = body.indexOf(needle, at + needle.length), n++) {
    if (match(at + needle.length)) return at + needle.length;
  }
  return -1;
}

function bytesAt(body: Buffer, start: number, bytes: Buffer): boolean {
  return start + bytes.length <= body.length && bytes.compare(body, start, start + bytes.length) === 0;
}

function bucketKey(key: string, bytes: Buffer, start: number): string {
  return `${key}\u0000${bytes.toString('latin1', start, start + PREFIX)}`;
}

/** An array element's JSON as JSON.stringify writes it inside the array (undefined → null). */
function elementBytes(value: unknown): Buffer {
  return encodeUtf8(JSON.stringify(value) ?? 'null');
}

function fingerprintKey(key: string, value: unknown): string {
  return `${key}\u0000${fingerprint(value, 0)}`;
}

/**
 * Cheap identity for "seen before?": shape, lengths, names and the start of strings, two levels
 * deep. Only decides when serializing a part is worth a try; whether it is kept rests on the bytes.
 */
function fingerprint(value: unknown, depth: number): string {
  if (typeof value === 'string') return `s${value.length}:${value.slice(0, 32)}`;
  if (value === null || typeof value !== 'object') return String(value);
  if (depth >= 2) return Array.isArray(value) ? `a${value.length}` : 'o';
  if (Array.isArray(value)) {
    let s = `a${value.length}[`;
    for (let i = 0; i < value.length && i < 64; i++) s += `${fingerprint(value[i], depth + 1)},`;
    return `${s}]`;
  }
  let s = 'o{';
  for (const [k, v] of Object.entries(value)) s += `${k}:${fingerprint(v, depth + 1)},`;
  return `${s}}`;
}
