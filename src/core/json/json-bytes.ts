/**
 * A request body's JSON as UTF-8, byte for byte `Buffer.from(JSON.stringify(body))`, reusing the
 * serialized bytes of the top-level values every turn of a conversation repeats: shared values (by
 * identity, see shared-value.ts: the tools and system a client resends, and their conversions),
 * the shared leading elements of a top-level array (the conversation so far), and long strings (by
 * content: the base prompt the codex plugin puts in every request). Node 20's
 * JSON.stringify costs 3–4 ns per character on this path, so serializing the ≈ 57 K characters
 * of Claude Code's tools and the Codex base prompt again took ≈ 200 µs of every request.
 */
import { isSharedValue } from './shared-value.js';
import { encodeUtf8 } from './utf8.js';

const bytesOfShared = new WeakMap<object, Buffer>();

/** Strings from this length on are worth a cache lookup (hashing them is ≈ 1/3 of serializing). */
const LONG_STRING = 4096;
/** Bounds what the eight slots can hold (≈ 10 MB at most with their bytes). */
const MAX_CACHED_STRING = 256 * 1024;
const STRING_SLOTS = 8;
const bytesOfString = new Map<string, Buffer>();

export function jsonBytes(body: Record<string, unknown>): Buffer {
  if (!hasReusable(body)) return encodeUtf8(JSON.stringify(body));
  const parts: Buffer[] = [];
  let text = '{';
  let sep = '';
  for (const key of Object.keys(body)) {
    const value = body[key];
    const cached = reusableBytes(value);
    if (cached) {
      parts.push(encodeUtf8(`${text}${sep}${JSON.stringify(key)}:`), cached);
      text = '';
    } else if (startsShared(value)) {
      parts.push(encodeUtf8(`${text}${sep}${JSON.stringify(key)}:`), ...arrayParts(value));
      text = '';
    } else {
      const json = JSON.stringify(value);
      // JSON.stringify leaves out keys whose value is undefined, a function or a symbol.
      if (json === undefined) continue;
      text += `${sep}${JSON.stringify(key)}:${json}`;
    }
    sep = ',';
  }
  parts.push(encodeUtf8(`${text}}`));
  return Buffer.concat(parts);
}

/** Record the serialized bytes of a shared value already known to the caller (saves serializing it again). */
export function rememberJsonBytes(value: object, bytes: Buffer): void {
  if (isSharedValue(value)) bytesOfShared.set(value, bytes);
}

function hasReusable(body: Record<string, unknown>): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || typeof body.toJSON === 'function') return false;
  for (const key in body) {
    const value = body[key];
    if (isSharedValue(value) || isCachedString(value) || startsShared(value)) return true;
  }
  return false;
}

/** An unshared array whose leading elements are shared: a conversation the parser recognized. */
function startsShared(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && !isSharedValue(value) && isSharedValue(value[0]);
}

/** The array's JSON in pieces: the shared elements' kept bytes, the others serialized. */
function arrayParts(list: unknown[]): Buffer[] {
  const parts: Buffer[] = [];
  let text = '[';
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (i > 0) text += ',';
    if (isSharedValue(item)) {
      parts.push(encodeUtf8(text), sharedBytes(item));
      text = '';
    } else {
      // As inside JSON.stringify's array: undefined, functions and symbols become null.
      text += JSON.stringify(item) ?? 'null';
    }
  }
  parts.push(encodeUtf8(`${text}]`));
  return parts;
}

function isCachedString(value: unknown): value is string {
  return typeof value === 'string' && value.length >= LONG_STRING && value.length <= MAX_CACHED_STRING;
}

function reusableBytes(value: unknown): Buffer | undefined {
  if (isCachedString(value)) {
    let bytes = bytesOfString.get(value);
    if (!bytes) {
      bytes = encodeUtf8(JSON.stringify(value));
      if (bytesOfString.size >= STRING_SLOTS) bytesOfString.delete(bytesOfString.keys().next().value as string);
      bytesOfString.set(value, bytes);
    }
    return bytes;
  }
  return isSharedValue(value) ? sharedBytes(value) : undefined;
}

function sharedBytes(value: object): Buffer {
  let bytes = bytesOfShared.get(value);
  if (!bytes) {
    bytes = encodeUtf8(JSON.stringify(value));
    bytesOfShared.set(value, bytes);
  }
  return bytes;
}
