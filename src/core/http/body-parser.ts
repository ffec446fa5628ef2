/**
 * JSON body parsing that keeps the exact bytes (`request.rawBody`) for byte-faithful passthrough.
 * Registered for every content type: model API clients sometimes omit or vary it, and browsers'
 * form posts never get here (the origin guard refuses them before routing).
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.js';
import { decodeUtf8 } from './utf8.js';
import './fastify-types.js';

export function installJsonParser(app: FastifyInstance): void {
  // Declared up front so every request object keeps one shape (V8 hidden class) on the hot path.
  if (!app.hasRequestDecorator('rawBody')) app.decorateRequest('rawBody', undefined);
  app.removeAllContentTypeParsers();
  const parse = (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    request.rawBody = body;
    if (body.length === 0) {
      done(new ValidationError('Request body is empty; expected a JSON object'));
      return;
    }
    const ascii = isAscii(body);
    if (!ascii && !isUtf8(body)) {
      done(new ValidationError('Request body is not valid UTF-8'));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(ascii ? body.toString('latin1') : decodeUtf8(body));
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
