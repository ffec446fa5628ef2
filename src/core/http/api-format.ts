/** Which client API a request speaks, for rendering errors in the body format it expects. */
import type { FastifyRequest } from 'fastify';
import type { ApiFormat } from '../adapter.js';
import './fastify-types.js';

/** Anthropic for paths under `/messages`, OpenAI-style otherwise (chat and responses share a body). */
export function inferApi(url: string): ApiFormat {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.includes('/messages')) return 'anthropic';
  if (path.endsWith('/responses')) return 'responses';
  return 'chat';
}

/** The route's declared `config.api`, else inferred from the URL. */
export function apiOf(request: FastifyRequest): ApiFormat {
  return request.routeOptions?.config?.api ?? inferApi(request.url);
}
