/**
 * The AdapterRequest the core hands to adapters. A class, not an object literal: a literal with a
 * `get signal()` accessor is built by V8's runtime and ends up in the old generation, where it kept
 * every request's headers, body and socket objects alive past young-generation collections. Each
 * request then promoted ≈ 4 KB to the old space (≈ 1 MB per scavenge under load, 20× the Fastify
 * floor) and garbage collection was the largest single cost on the passthrough routes.
 *
 * `signal` is a prototype getter, so a spread copy (`{ ...request }`) has no `signal`: copy a
 * request with `copyRequest`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AdapterRequest, ApiFormat, RequestObserver } from '../adapter.js';
import type { JsonBody } from '../json/json-body.js';
import type { RequestAbort } from './request-abort.js';

export class ModelRequest implements AdapterRequest {
  modelOverride?: string;
  sessionId?: string;

  constructor(
    public api: ApiFormat,
    public body: JsonBody,
    public headers: IncomingHttpHeaders,
    public abort: RequestAbort,
    public requestId: string,
    public observer: RequestObserver | undefined,
  ) {}

  /** A standard AbortSignal for the request's abort, built on first read. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }
}

/** A copy of `request` with `changes`, keeping its prototype (and with it `signal`). */
export function copyRequest(request: AdapterRequest, changes: Partial<AdapterRequest>): AdapterRequest {
  return Object.assign(Object.create(Object.getPrototypeOf(request) as object) as AdapterRequest, request, changes);
}
