/**
 * refuseCrossOrigin: what a browser marks as from another origin is refused (another host or port,
 * `null`, Sec-Fetch-Site cross-site or same-site); a page of the proxy's own host and port and
 * clients that are not browsers (no Origin, no Sec-Fetch-Site) pass.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { ProxyError } from '../../../src/core/errors.js';
import { refuseCrossOrigin } from '../../../src/core/http/same-origin.js';

function verdict(headers: Record<string, string>): 'pass' | number {
  let out: 'pass' | number = 'pass';
  refuseCrossOrigin({ headers } as unknown as FastifyRequest, {} as FastifyReply, (err?: Error) => {
    if (err) out = (err as ProxyError).status;
  });
  return out;
}

describe('refuseCrossOrigin', () => {
  it('lets non-browser clients and same-origin pages through', () => {
    expect(verdict({ host: '127.0.0.1:8000' })).toBe('pass');
    expect(verdict({ host: '127.0.0.1:8000', origin: 'http://127.0.0.1:8000' })).toBe('pass');
    expect(verdict({ host: 'localhost:8000', origin: 'http://localhost:8000', 'sec-fetch-site': 'same-origin' })).toBe('pass');
    expect(verdict({ host: '127.0.0.1:8000', 'sec-fetch-site': 'none' })).toBe('pass');
  });

  it('refuses every other origin', () => {
    for (const origin of ['http://127.0.0.1:8001', 'http://localhost:8000', 'http://evil.example', 'null', 'not a url']) {
      expect(verdict({ host: '127.0.0.1:8000', origin }), origin).toBe(403);
    }
    expect(verdict({ origin: 'http://127.0.0.1:8000' })).toBe(403);
    expect(verdict({ host: '127.0.0.1:8000', 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(verdict({ host: '127.0.0.1:8000', 'sec-fetch-site': 'same-site' })).toBe(403);
  });
});
