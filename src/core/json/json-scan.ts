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

/**
 * The string whose opening quote is at `i - 1`: the index after its closing quote, negated when it
 * holds an escape (a key is then decoded with JSON.parse instead of copied). Most of a request's
 * bytes are string content: the inner loop is one table load per byte.
 */
function scanString(b: Uint8Array, i: number): number {
  const n = b.length;
  let escaped = false;
  for (;;) {
    while (i < n && STRING_STOP[b[i]!] === 0) i++;
    if (i >= n) fail(b, i);
    const c = b[i++]!;
    if (c === QUOTE) return escaped ? -i : i;
    if (c !== BACKSLASH) fail(b, i - 1);
    escaped = true;
    const e = b[i++];
    if (e === 0x75) {
      if (i + 4 > n || !isHex(b[i]!) || !isHex(b[i + 1]!) || !isHex(b[i + 2]!) || !isHex(b[i + 3]!)) fail(b, i);
      i += 4;
    } else if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) {
      fail(b, i - 1);
    }
  }
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
  const members: JsonMember[] = [];
  let depth = 0;
  let member: JsonMember | undefined;
  let close = -1;
  let i = skipWs(b, 0);
  const object = b[i] === LBRACE;

  /** At a key's opening quote (inside an object): the index of the member's value. */
  const key = (at: number): number => {
    if (b[at] !== QUOTE) fail(b, at);
    let end = scanString(b, at + 1);
    const escaped = end < 0;
    if (escaped) end = -end;
    if (depth === 1) {
      member = { key: keyOf(b, at, end, escaped), keyStart: at, valueStart: 0, valueEnd: 0 };
      members.push(member);
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
      const end = scanString(b, i + 1);
      i = end < 0 ? -end : end;
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
      if (depth === 1 && member) member.valueEnd = i;
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
