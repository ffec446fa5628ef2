/**
 * JSON body parsing that keeps the exact bytes (`request.rawBody`) for byte-faithful passthrough.
 * Registered for every content type: model API clients sometimes omit or vary it, and browsers'
 * form posts never get here (the origin guard refuses them before routing).
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.js';
import './fastify-types.js';

export function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parse = (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    request.rawBody = body;
    if (body.length === 0) {
      done(new ValidationError('Request body is empty; expected a JSON object'));
      return;
    }
    if (!isUtf8(body)) {
      done(new ValidationError('Request body is not valid UTF-8'));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      done(new ValidationError(`Request body is not valid JSON: ${(err as Error).message}`));
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      done(new ValidationError('Request body must be a JSON object'));
      return;
    }
    done(null, parsed);
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, parse);
}
