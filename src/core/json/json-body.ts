/**
 * A request's JSON body, read lazily and edited exactly. Built once per request by the body parser
 * (src/core/http/body-parser.ts), which has then proved the bytes are a well-formed JSON object no
 * deeper than the configured limit (json-scan.ts); nothing is parsed yet. Each top-level value is
 * parsed on its first `get`, the whole object on the first `value()`. A passthrough that must change
 * a few top-level values asks `with(changes)` for the client's bytes with exactly those values'
 * byte ranges replaced: every other byte stays as the client sent it (spaces, escapes, key order,
 * number spellings). Everything here belongs to one request and dies with it: nothing is shared or
 * kept across requests.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { ValidationError } from '../errors.js';
import { JsonDepthError, JsonSyntaxError, scanJson, type JsonMember, type JsonScan } from './json-scan.js';
import { decodeUtf8, encodeUtf8 } from './utf8.js';

/** Nested arrays and objects a body may have, unless configured (`server.max_json_depth`). */
export const DEFAULT_MAX_JSON_DEPTH = 256;

export interface JsonBodyOptions {
  /** Nesting limit (the top-level object counts as 1). */
  maxDepth?: number;
}

const EMPTY: ReadonlyMap<string, unknown> = new Map();

export class JsonBody {
  /** The bytes as received (without a leading UTF-8 byte order mark, which is dropped). */
  readonly bytes: Buffer;
  private readonly members: JsonMember[];
  /** Each key's last member: the one JSON.parse keeps. */
  private readonly byKey: Map<string, JsonMember>;
  private readonly close: number;
  private readonly ascii: boolean;
  private whole: Record<string, unknown> | undefined;
  private values: Map<string, unknown> | undefined;

  private constructor(bytes: Buffer, members: JsonMember[], close: number, ascii: boolean) {
    this.bytes = bytes;
    this.members = members;
    this.close = close;
    this.ascii = ascii;
    this.byKey = new Map();
    for (const m of members) this.byKey.set(m.key, m);
  }

  /** Check and index `bytes`; a ValidationError (→ 400) if they are not a JSON object within the limits. */
  static parse(bytes: Buffer, opts: JsonBodyOptions = {}): JsonBody {
    const maxDepth = opts.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
    // RFC 8259 lets a parser ignore a byte order mark; forwarding it would make the upstream refuse.
    if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    if (bytes.length === 0) throw new ValidationError('Request body is empty; expected a JSON object');
    const ascii = isAscii(bytes);
    if (!ascii && !isUtf8(bytes)) throw new ValidationError('Request body is not valid UTF-8');
    let scan: JsonScan;
    try {
      scan = scanJson(bytes, maxDepth);
    } catch (err) {
      if (err instanceof JsonDepthError) {
        throw new ValidationError(`Request body nests arrays and objects deeper than the limit of ${err.limit} levels (server.max_json_depth)`, {
          code: 'CCPROXY_ERR_JSON_DEPTH',
        });
      }
      if (err instanceof JsonSyntaxError) throw new ValidationError(`Request body is not valid JSON: ${err.message}`);
      throw err;
    }
    if (!scan.object) throw new ValidationError('Request body must be a JSON object');
    return new JsonBody(bytes, scan.members, scan.close, ascii);
  }

  /** A body for a value the proxy builds itself (tests, internal requests). */
  static of(value: Record<string, unknown>, opts: JsonBodyOptions = {}): JsonBody {
    return JsonBody.parse(Buffer.from(JSON.stringify(value)), opts);
  }

  /** Top-level keys in body order, each once. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** One top-level value (undefined when absent), parsed on its first read; later reads return the same value. Treat it as read-only. */
  get(key: string): unknown {
    const member = this.byKey.get(key);
    if (!member) return undefined;
    if (this.whole) return this.whole[key];
    const values = (this.values ??= new Map());
    if (values.has(key)) return values.get(key);
    const value: unknown = JSON.parse(this.text(member.valueStart, member.valueEnd));
    values.set(key, value);
    return value;
  }

  /** The whole body as an object, parsed on the first call; later calls return the same object. Treat it as read-only. */
  value(): Record<string, unknown> {
    return (this.whole ??= JSON.parse(this.text(0, this.bytes.length)) as Record<string, unknown>);
  }

  /** Where the value of `key` (its last occurrence) sits in `bytes`: `[start, end)`. */
  range(key: string): readonly [number, number] | undefined {
    const m = this.byKey.get(key);
    return m && [m.valueStart, m.valueEnd];
  }

  /**
   * An upper bound on how many keys and strings inside the value of `key` contain `word` (ASCII
   * letters, digits, `_`, `-`, `.`, `:` or space): the number of times its bytes spell it, or
   * Infinity when the value escapes a printable ASCII character (`\u0063` or `\/`, which could
   * spell part of it; the scan noted it). 0 proves that no key or string there contains `word`,
   * without parsing anything.
   */
  mentions(key: string, word: string): number {
    if (!/^[\w.: -]+$/.test(word)) throw new TypeError(`mentions: unsupported word ${JSON.stringify(word)}`);
    const m = this.byKey.get(key);
    if (!m) return 0;
    if (m.asciiEscape) return Infinity;
    const value = this.bytes.subarray(m.valueStart, m.valueEnd);
    let count = 0;
    for (let at = value.indexOf(word, 0, 'latin1'); at !== -1; at = value.indexOf(word, at + word.length, 'latin1')) count++;
    return count;
  }

  /**
   * The body's bytes with top-level values changed, every other byte as received. Each key of
   * `changes` gets its new value serialized in place of its old one; `undefined` removes the key; a
   * key the body lacks is appended. Earlier repeats of a changed key (which JSON.parse ignores) are
   * removed, so no parser can read the old value. No change: the same bytes.
   */
  with(changes: Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown> = EMPTY): Buffer {
    const entries = changes instanceof Map ? [...changes] : Object.entries(changes);
    if (entries.length === 0) return this.bytes;
    const members = this.members;
    const removed = new Set<JsonMember>();
    const replaced = new Map<JsonMember, Buffer>();
    const added: string[] = [];
    for (const [key, value] of entries) {
      const json = value === undefined ? undefined : JSON.stringify(value);
      const last = this.byKey.get(key);
      for (const m of members) if (m.key === key && (m !== last || json === undefined)) removed.add(m);
      if (json === undefined) continue;
      if (last) replaced.set(last, encodeUtf8(json));
      else added.push(`${JSON.stringify(key)}:${json}`);
    }
    const edits: Edit[] = [];
    const firstKept = members.findIndex((m) => !removed.has(m));
    members.forEach((m, i) => {
      const bytes = replaced.get(m);
      if (bytes) edits.push({ start: m.valueStart, end: m.valueEnd, bytes });
      if (!removed.has(m)) return;
      // Cut a removed member with the separator before it, or (before the first kept one) after it.
      if (firstKept === -1) edits.push({ start: members[0]!.keyStart, end: members.at(-1)!.valueEnd });
      else if (i < firstKept) edits.push({ start: m.keyStart, end: members[firstKept]!.keyStart });
      else edits.push({ start: members[i - 1]!.valueEnd, end: m.valueEnd });
    });
    if (added.length) {
      const lastKept = members.findLast((m) => !removed.has(m));
      const text = added.join(',');
      edits.push(lastKept ? { start: lastKept.valueEnd, end: lastKept.valueEnd, bytes: Buffer.from(`,${text}`) } : { start: this.close, end: this.close, bytes: Buffer.from(text) });
    }
    return splice(this.bytes, edits);
  }

  private text(start: number, end: number): string {
    const bytes = this.bytes.subarray(start, end);
    return this.ascii ? bytes.toString('latin1') : decodeUtf8(bytes);
  }
}

interface Edit {
  start: number;
  end: number;
  bytes?: Buffer;
}

/** `bytes` with each edit's range replaced by its bytes (or cut); overlapping cuts merge. */
function splice(bytes: Buffer, edits: Edit[]): Buffer {
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: Buffer[] = [];
  let at = 0;
  for (const e of edits) {
    if (e.start > at) parts.push(bytes.subarray(at, e.start));
    if (e.bytes) parts.push(e.bytes);
    at = Math.max(at, e.end);
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}
