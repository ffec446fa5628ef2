/**
 * Routes under `/codex`: the standard model API routes from the core (`/v1/messages` +
 * `/count_tokens`, `/v1/chat/completions`, `/v1/responses`, `/v1/models`), plus a clear answer for
 * Responses retrieval, which cannot work with a backend that stores nothing.
 */
import type { FastifyPluginAsync } from 'fastify';
import { providerRoutes, ProxyError } from '../../plugin.js';
import type { CodexAdapter } from './adapter.js';

export function codexRoutes(adapter: CodexAdapter): FastifyPluginAsync {
  const standard = providerRoutes(adapter, { plugin: 'codex' });
  return async (app) => {
    await app.register(standard);
    app.get('/v1/responses/:id', { config: { api: 'responses', plugin: 'codex' } }, async () => {
      throw new ProxyError('not_found', 'Responses are not stored by the codex provider (the ChatGPT backend runs with store=false); keep the output you received instead of retrieving it.', { plugin: 'codex' });
    });
  };
}
