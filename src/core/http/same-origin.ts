/**
 * For routes no web page may reach, whatever `server.cors_origins` allows (deciding which tool
 * calls an agent may run, for one). The core guard already refuses origins that are not
 * configured; this also refuses configured ones. Browsers send `Origin` on every cross-origin
 * fetch and form POST and `Sec-Fetch-Site` on every request; curl and the `ccproxy` commands send
 * neither, and a page the proxy itself serves stays same-origin.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ProxyError } from '../errors.js';

const CROSS = new Set(['cross-site', 'same-site']);

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === new URL(`${u.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** An `onRequest` hook: 403 for a request a browser sent from another origin (`null` included). */
export function refuseCrossOrigin(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  if ((origin !== undefined && !sameOrigin(origin, request.headers.host)) || (typeof site === 'string' && CROSS.has(site))) {
    done(new ProxyError('permission', 'This route is not reachable from a web page of another origin', { code: 'CCPROXY_ERR_ORIGIN' }));
    return;
  }
  done();
}
