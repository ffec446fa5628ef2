/**
 * Routes under `/claude/sdk`: the standard model routes (`/v1/messages`, `/v1/chat/completions`,
 * `/v1/responses`, `/v1/models`) from the core, and the same routes under a session segment
 * (`/claude/sdk/{session_id}/v1/...`), which continue the named session; the segment is handed to
 * the adapter as the `x-session-id` header, the other way to name a session.
 */
import type { FastifyPluginAsync } from 'fastify';
import { providerRoutes, type ProviderAdapter } from '../../plugin.js';
import { SESSION_HEADER } from './adapter.js';

export function claudeSdkRoutes(adapter: ProviderAdapter, plugin: string): FastifyPluginAsync {
  const standard = providerRoutes(adapter, { plugin });
  return async (app) => {
    await app.register(standard);
    await app.register(
      async (scoped) => {
        scoped.addHook('onRequest', async (request) => {
          const { session_id: id } = request.params as { session_id?: string };
          if (id) request.headers[SESSION_HEADER] = id;
        });
        await scoped.register(standard);
      },
      { prefix: '/:session_id' },
    );
  };
}
