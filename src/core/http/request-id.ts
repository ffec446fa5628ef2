/**
 * The request id: the client's `x-request-id` when it is short and header-safe (it is echoed in
 * the response header and in Anthropic error bodies), else one we make up.
 */
import { randomUUID } from 'node:crypto';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID();
}

/** The `x-request-id` of a raw request head the HTTP parser refused, when it is there and safe. */
export function requestIdFromPacket(raw: unknown): string | null {
  if (!Buffer.isBuffer(raw)) return null;
  const head = raw.subarray(0, Math.min(raw.length, 16 * 1024)).toString('latin1');
  const value = /\r\nx-request-id:[ \t]*([^\r\n]*?)[ \t]*\r\n/i.exec(head)?.[1];
  return value !== undefined && SAFE_ID.test(value) ? value : null;
}
