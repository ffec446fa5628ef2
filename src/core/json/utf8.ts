/**
 * UTF-8 ⇄ string for large bodies. Node 20's own conversions are slow on this path: decoding drops
 * to a per-character loop at the first non-ASCII byte (the 49 KB Claude Code body took ≈ 55 µs),
 * and encoding a string with `Buffer.from` measured ≈ 65 µs for 49 K characters. Going through
 * UTF-16 (a plain copy) and ICU's transcoder gives the same bytes or string in about a third of
 * the time. Small inputs keep the direct call (the converter setup is not worth it there), as do
 * Node builds without ICU.
 */
import { transcode } from 'node:buffer';

const MIN = 4096;

/** Bytes already known to be valid UTF-8 → string. */
export function decodeUtf8(bytes: Buffer): string {
  if (bytes.length < MIN || typeof transcode !== 'function') return bytes.toString('utf8');
  return transcode(bytes, 'utf8', 'ucs2').toString('ucs2');
}

/**
 * The UTF-16 copy goes into one reused buffer: allocating a fresh 100 KB+ Buffer per request
 * cost more than the copy itself (≈ 25–70 µs against ≈ 3 µs). It is only used synchronously here.
 */
let scratch: Buffer | undefined;
const MAX_SCRATCH = 4 * 1024 * 1024;

/** String → UTF-8 bytes, identical to `Buffer.from(text)`. */
export function encodeUtf8(text: string): Buffer {
  const size = text.length * 2;
  if (text.length < MIN || size > MAX_SCRATCH || typeof transcode !== 'function') return Buffer.from(text);
  if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.min(MAX_SCRATCH, Math.max(size, 256 * 1024)));
  try {
    return transcode(scratch.subarray(0, scratch.write(text, 0, 'ucs2')), 'ucs2', 'utf8');
  } catch {
    // A lone surrogate: ICU refuses it, Buffer.from writes U+FFFD as every client does.
    return Buffer.from(text);
  }
}
