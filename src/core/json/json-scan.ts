/**
 * One pass over a request body's bytes that proves it is well-formed JSON (RFC 8259, exactly what
 * JSON.parse accepts) and records where each top-level member's value sits, without building any
 * value. A loop with an explicit stack, never recursion: client input cannot overflow the stack,
 * and nesting deeper than `maxDepth` containers is refused here, before anything parses it.
 *
 * Hand-written rather than a library: the JSON scanners on npm (jsonc-parser and the like) work on
 * decoded strings (UTF-16 offsets, a decode first) and accept comments or trailing commas; this one
 * works on the UTF-8 bytes the proxy forwards, so its ranges can be cut from them as they are.
 * UTF-8 itself is checked by the caller (`isUtf8`, native): bytes ≥ 0x80 only occur inside strings.
 */

/** A top-level member: `"key": value`, with the byte offsets of its key's opening quote and of its value. */
export interface JsonMember {
  /** The key as JSON.parse reads it (escapes decoded: `"\u0073ystem"` is `system`). */
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
  /** Does the value escape a printable ASCII character (`\u0063` for `c`)? Then its bytes may spell a word differently. */
  asciiEscape: boolean;
}

export interface JsonScan {
  /** False when the top-level value is not an object (then `members` is empty). */
  object: boolean;
  /** Every top-level member in body order, repeated keys included. */
  members: JsonMember[];
  /** Position of the top-level object's closing brace. */
  close: number;
}

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export class JsonDepthError extends Error {
  constructor(readonly limit: number, readonly position: number) {
    super(`nesting deeper than ${limit} levels`);
    this.name = 'JsonDepthError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OBJECT = 1;
const ARRAY = 2;

/** Is `c` JSON whitespace (space, tab, LF, CR)? */
function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWs(b: Uint8Array, i: number): number {
  while (i < b.length && isWs(b[i]!)) i++;
  return i;
}

function describe(b: Uint8Array, i: number): string {
  if (i >= b.length) return 'unexpected end of input';
  const c = b[i]!;
  return c >= 0x21 && c < 0x7f ? `unexpected '${String.fromCharCode(c)}' at byte ${i}` : `unexpected byte 0x${c.toString(16).padStart(2, '0')} at byte ${i}`;
}

function fail(b: Uint8Array, i: number): never {
  throw new JsonSyntaxError(describe(b, i), i);
}

function isHex(c: number): boolean {
  return (c >= ZERO && c <= NINE) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** 1 for the bytes that end a run of plain string content: `"`, `\\` and the control characters. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

/** What scanString saw: `ESCAPE` in the last string, `ASCII_ESCAPE` since the caller last cleared it. */
const ESCAPE = 0;
const ASCII_ESCAPE = 1;

/**
 * The string whose opening quote is at `i - 1`: the index after its closing quote. Sets
 * `seen[ESCAPE]` when it holds an escape (a key is then decoded with JSON.parse instead of copied)
 * and `seen[ASCII_ESCAPE]` when one of them is a printable ASCII character's.
 */
function scanString(b: Uint8Array, i: number, words: Int32Array, base: number, seen: Uint8Array): number {
  const n = b.length;
  for (;;) {
    i = plainRun(b, i, words, base);
    if (i >= n) fail(b, i);
    const c = b[i++]!;
    if (c === QUOTE) return i;
    if (c !== BACKSLASH) fail(b, i - 1);
    seen[ESCAPE] = 1;
    const e = b[i++];
    if (e === 0x75) {
      if (i + 4 > n || !isHex(b[i]!) || !isHex(b[i + 1]!) || !isHex(b[i + 2]!) || !isHex(b[i + 3]!)) fail(b, i);
      if (b[i] === ZERO && b[i + 1] === ZERO && b[i + 2]! >= 0x32 && b[i + 2]! <= 0x37) seen[ASCII_ESCAPE] = 1;
      i += 4;
    } else if (e === 0x2f) {
      seen[ASCII_ESCAPE] = 1; // `\/`
    } else if (e !== QUOTE && e !== BACKSLASH && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) {
      fail(b, i - 1);
    }
  }
}

/**
 * The index of the first `"`, `\\` or control byte from `i` on (or `b.length`). Four bytes at a
 * time through an Int32Array view of the aligned middle (`words[k]` holds bytes `base + 4k ...`):
 * a word holds none of them when no byte is below 0x20, equal to 0x22 or equal to 0x5c, which the
 * classic "has a zero / has less than" bit tests answer for all four bytes at once.
 */
function plainRun(b: Uint8Array, i: number, words: Int32Array, base: number): number {
  const n = b.length;
  while (i < n && ((i - base) & 3) !== 0) {
    if (STRING_STOP[b[i]!] !== 0) return i;
    i++;
  }
  let k = (i - base) >> 2;
  const end = (n - base) >> 2;
  for (; k < end; k++) {
    const x = words[k]!;
    const q = x ^ 0x22222222;
    const s = x ^ 0x5c5c5c5c;
    if (((((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080) !== 0) break;
  }
  i = base + (k << 2);
  while (i < n && STRING_STOP[b[i]!] === 0) i++;
  return i;
}

function digits(b: Uint8Array, i: number): number {
  const start = i;
  while (i < b.length && b[i]! >= ZERO && b[i]! <= NINE) i++;
  if (i === start) fail(b, i);
  return i;
}

/** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` from `i`; the index after it. */
function scanNumber(b: Uint8Array, i: number): number {
  if (b[i] === MINUS) i++;
  if (b[i] === ZERO) i++;
  else i = digits(b, i);
  if (b[i] === DOT) i = digits(b, i + 1);
  const e = b[i];
  if (e === 0x65 || e === 0x45) {
    i++;
    if (b[i] === PLUS || b[i] === MINUS) i++;
    i = digits(b, i);
  }
  return i;
}

function scanLiteral(b: Uint8Array, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) fail(b, i + k);
  return i + word.length;
}

function keyOf(b: Uint8Array, start: number, end: number, escaped: boolean): string {
  const bytes = Buffer.from(b.buffer, b.byteOffset + start, end - start);
  return escaped ? (JSON.parse(bytes.toString('utf8')) as string) : bytes.toString('utf8', 1, end - start - 1);
}

/** Scan `b` (valid UTF-8). Throws JsonSyntaxError, or JsonDepthError past `maxDepth` nested containers. */
export function scanJson(b: Uint8Array, maxDepth: number): JsonScan {
  const n = b.length;
  const stack = new Uint8Array(maxDepth + 1);
  // The aligned middle of `b` as 32-bit words (little-endian), for plainRun.
  const base = (4 - (b.byteOffset & 3)) & 3;
  const words = b.length > base ? new Int32Array(b.buffer, b.byteOffset + base, (b.length - base) >> 2) : new Int32Array(0);
  const members: JsonMember[] = [];
  const seen = new Uint8Array(2);
  let depth = 0;
  let member: JsonMember | undefined;
  let close = -1;
  let i = skipWs(b, 0);
  const object = b[i] === LBRACE;

  /** At a key's opening quote (inside an object): the index of the member's value. */
  const key = (at: number): number => {
    if (b[at] !== QUOTE) fail(b, at);
    seen[ESCAPE] = 0;
    const end = scanString(b, at + 1, words, base, seen);
    if (depth === 1) {
      member = { key: keyOf(b, at, end, seen[ESCAPE] === 1), keyStart: at, valueStart: 0, valueEnd: 0, asciiEscape: false };
      members.push(member);
      seen[ASCII_ESCAPE] = 0;
    }
    const colon = skipWs(b, end);
    if (b[colon] !== COLON) fail(b, colon);
    const value = skipWs(b, colon + 1);
    if (member && depth === 1) member.valueStart = value;
    return value;
  };

  for (;;) {
    // `i` is at the start of a value.
    const c = b[i];
    if (c === LBRACE || c === LBRACKET) {
      if (depth >= maxDepth) throw new JsonDepthError(maxDepth, i);
      const isObject = c === LBRACE;
      stack[++depth] = isObject ? OBJECT : ARRAY;
      i = skipWs(b, i + 1);
      if (b[i] === (isObject ? RBRACE : RBRACKET)) {
        if (depth === 1) close = i;
        depth--;
        i++;
      } else {
        if (isObject) i = key(i);
        continue;
      }
    } else if (c === QUOTE) {
      i = scanString(b, i + 1, words, base, seen);
    } else if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) {
      i = scanNumber(b, i);
    } else if (c === 0x74) {
      i = scanLiteral(b, i, 'true');
    } else if (c === 0x66) {
      i = scanLiteral(b, i, 'false');
    } else if (c === 0x6e) {
      i = scanLiteral(b, i, 'null');
    } else {
      fail(b, i);
    }
    // After a value: close containers and find the next value.
    for (;;) {
      if (depth === 0) {
        i = skipWs(b, i);
        if (i !== n) fail(b, i);
        return { object, members: object ? members : [], close };
      }
      if (depth === 1 && member) {
        member.valueEnd = i;
        member.asciiEscape = seen[ASCII_ESCAPE] === 1;
      }
      i = skipWs(b, i);
      const next = b[i];
      if (next === COMMA) {
        i = skipWs(b, i + 1);
        if (stack[depth] === OBJECT) i = key(i);
        break;
      }
      if (next !== (stack[depth] === OBJECT ? RBRACE : RBRACKET)) fail(b, i);
      if (depth === 1) close = i;
      depth--;
      i++;
    }
  }
}
