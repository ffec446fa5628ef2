/**
 * JSON body parsing that keeps the exact bytes (`request.rawBody`) for byte-faithful passthrough.
 * Registered for every content type: model API clients sometimes omit or vary it, and browsers'
 * form posts never get here (the origin guard refuses them before routing). What a client repeats
 * from an earlier request (its tools, system prompt, the conversation so far) is not parsed again
 * (repeated-parts.ts): the body then holds shared, deep-frozen copies of those parts.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.js';
import { decodeUtf8 } from '../json/utf8.js';
import { RepeatedParts, applyHits, withPlaceholders } from './repeated-parts.js';
import './fastify-types.js';

export function installJsonParser(app: FastifyInstance): void {
  // Declared up front so every request object keeps one shape (V8 hidden class) on the hot path.
  if (!app.hasRequestDecorator('rawBody')) app.decorateRequest('rawBody', undefined);
  app.removeAllContentTypeParsers();
  const parseBody = jsonBodyParser();
  const parse = (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
    request.rawBody = body;
    let parsed: Record<string, unknown>;
    try {
      parsed = parseBody(body);
    } catch (err) {
      done(err as Error);
      return;
    }
    done(null, parsed);
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, parse);
}

/** Bytes → the request's JSON object, or a ValidationError. One per server: it keeps the parts clients repeat. */
export function jsonBodyParser(): (body: Buffer) => Record<string, unknown> {
  const repeated = new RepeatedParts();
  return (body) => {
    if (body.length === 0) throw new ValidationError('Request body is empty; expected a JSON object');
    const ascii = isAscii(body);
    if (!ascii && !isUtf8(body)) throw new ValidationError('Request body is not valid UTF-8');
    const decode = ascii ? latin1 : decodeUtf8;
    const known = parseAroundRepeated(repeated, body, decode);
    if (known) return known;
    let parsed: unknown;
    try {
      parsed = JSON.parse(decode(body));
    } catch (err) {
      throw new ValidationError(`Request body is not valid JSON: ${(err as Error).message}`);
    }
    if (!isObject(parsed)) throw new ValidationError('Request body must be a JSON object');
    repeated.learn(body, parsed);
    return parsed;
  };
}

const latin1 = (bytes: Buffer): string => bytes.toString('latin1');

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The body parsed around the parts it repeats from earlier requests; undefined when there are none (or it does not parse that way). */
function parseAroundRepeated(cache: RepeatedParts, body: Buffer, decode: (bytes: Buffer) => string): Record<string, unknown> | undefined {
  const hits = cache.find(body);
  if (!hits) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(withPlaceholders(decode, body, hits));
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !applyHits(body, parsed, hits)) return undefined;
  cache.learn(body, parsed, hits);
  return parsed;
}
