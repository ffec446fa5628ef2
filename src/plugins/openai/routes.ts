/**
 * Routes under `/openai`: the core's standard model routes for the default instance, and the same
 * set under `/openai/<name>` for each `[plugins.openai.providers.<name>]` instance, each with its
 * own adapter (errors and events are stamped `openai.<name>`).
 */
import type { FastifyPluginAsync } from 'fastify';
import { providerRoutes } from '../../plugin.js';
import type { Instance } from './instances.js';

export function openaiRoutes(instances: Instance[]): FastifyPluginAsync {
  return async (app) => {
    for (const inst of instances) {
      const routes = providerRoutes(inst.adapter, { plugin: inst.provider });
      await app.register(routes, inst.segment ? { prefix: `/${inst.segment}` } : {});
    }
  };
}
