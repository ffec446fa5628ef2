/**
 * The request body parser: every body becomes a JsonBody (src/core/json/json-body.ts), checked to be
 * a well-formed JSON object within `server.max_json_depth` and indexed by its top-level values, but
 * not parsed: routes and plugins parse what they read, and a passthrough forwards the client's
 * bytes (or exact edits of them). A malformed body is a 400 in the route's API format and never
 * reaches an upstream. Registered for every content type: model API clients sometimes omit or vary
 * it, and browsers' form posts never get here (the origin guard refuses them before routing).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { JsonBody, type JsonBodyOptions } from '../json/json-body.js';

export function installJsonParser(app: FastifyInstance, opts: JsonBodyOptions = {}): void {
  app.removeAllContentTypeParsers();
  const parse = (_request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    let parsed: JsonBody;
    try {
      parsed = JsonBody.parse(body, opts);
    } catch (err) {
      done(err as Error);
      return;
    }
    done(null, parsed);
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, parse);
}
