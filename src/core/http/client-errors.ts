/**
 * Errors Node's HTTP parser raises before Fastify sees a request (oversized headers, malformed
 * request lines, header timeouts). Answered in the API format the request line's path implies, like
 * every other error, instead of Fastify's generic body.
 */
import type { Socket } from 'node:net';
import { ProxyError, renderError } from '../errors.js';
import { inferApi } from './api-format.js';
import { requestIdFromPacket } from './request-id.js';

/**
 * The request's path: from the bytes the parser choked on (`POST /claude/v1/messages HTTP/1.1`), or,
 * for a request that timed out after its headers, from the message being received (best effort;
 * '/' when unknown).
 */
function pathOf(raw: unknown, socket: Socket): string {
  if (!Buffer.isBuffer(raw)) {
    const url = (socket as Socket & { parser?: { incoming?: { url?: unknown } } }).parser?.incoming?.url;
    return typeof url === 'string' && url.startsWith('/') ? url : '/';
  }
  const line = raw.subarray(0, Math.min(raw.length, 2048)).toString('latin1').split('\r\n', 1)[0] ?? '';
  const parts = line.split(' ');
  return parts.length >= 2 && parts[1]!.startsWith('/') ? parts[1]! : '/';
}

export function clientErrorHandler(err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let proxyErr: ProxyError;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    proxyErr = new ProxyError('request_too_large', 'Request headers are too large', { status: 431, code: 'CCPROXY_ERR_HEADERS_TOO_LARGE' });
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    proxyErr = new ProxyError('timeout', 'Request was not received in time', { status: 408, code: 'CCPROXY_ERR_CLIENT_TIMEOUT' });
  } else {
    proxyErr = new ProxyError('invalid_request', 'Malformed HTTP request', { code: 'CCPROXY_ERR_BAD_HTTP' });
  }
  const body = JSON.stringify(renderError(inferApi(pathOf(err.rawPacket, socket)), proxyErr, requestIdFromPacket(err.rawPacket)));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${proxyErr.status} ${proxyErr.status === 431 ? 'Request Header Fields Too Large' : proxyErr.status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
