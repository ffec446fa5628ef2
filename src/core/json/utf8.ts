/**
 * UTF-8 ⇄ string for large bodies. Node 20's own conversions are slow on this path: decoding drops
 * to a per-character loop at the first non-ASCII byte (the 49 KB Claude Code body took ≈ 55 µs),
 * and encoding a string with `Buffer.from` measured ≈ 65 µs for 49 K characters. Going through
 * UTF-16 (a plain copy) and ICU's transcoder gives the same bytes or string in about a third of
 * the time. Small inputs keep the direct call (the converter setup is not worth it there), as do
 * very large ones (see MAX) and Node builds without ICU.
 */
import { transcode } from 'node:buffer';

const MIN = 4096;
/**
 * Past this size the UTF-16 copy costs more memory than the time it saves is worth: a 30 MB body
 * would take 60 MB more for the copy, on top of the string it becomes.
 */
const MAX = 8 * 1024 * 1024;

const direct = (length: number): boolean => length < MIN || length > MAX || typeof transcode !== 'function';

/** Bytes already known to be valid UTF-8 → string. */
export function decodeUtf8(bytes: Buffer): string {
  if (direct(bytes.length)) return bytes.toString('utf8');
  return transcode(bytes, 'utf8', 'ucs2').toString('ucs2');
}

/** String → UTF-8 bytes, identical to `Buffer.from(text)`. */
export function encodeUtf8(text: string): Buffer {
  if (direct(text.length)) return Buffer.from(text);
  // A fresh UTF-16 copy per call (nothing of a request's content is kept in a reused buffer).
  const utf16 = Buffer.allocUnsafe(text.length * 2);
  utf16.write(text, 0, 'ucs2');
  try {
    return transcode(utf16, 'ucs2', 'utf8');
  } catch {
    // A lone surrogate: ICU refuses it, Buffer.from writes U+FFFD as every client does.
    return Buffer.from(text);
  }
}
