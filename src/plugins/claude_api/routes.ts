/**
 * Routes under `/claude`: the core's standard model routes for this adapter (`/v1/messages`,
 * `/v1/messages/count_tokens`, `/v1/chat/completions`, `/v1/responses`, `/v1/models`).
 */
import type { FastifyPluginAsync } from 'fastify';
import { providerRoutes, type ProviderAdapter } from '../../plugin.js';

export function claudeApiRoutes(adapter: ProviderAdapter, plugin: string): FastifyPluginAsync {
  return providerRoutes(adapter, { plugin });
}
