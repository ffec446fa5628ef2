/**
 * The metrics plugin: `GET /metrics` in the Prometheus text format (prom-client), fed by the
 * request events; plugin health is read from the proxy's own `/health` at scrape time.
 */
import type { FastifyInstance } from 'fastify';
import { definePlugin } from '../../plugin.js';
import { ProxyMetrics } from './collectors.js';
import { MetricsConfigSchema } from './config.js';

const HEALTH_VALUE: Record<string, number> = { pass: 1, warn: 0.5, fail: 0 };

type HealthDoc = { checks?: Record<string, Array<{ status?: string }>> };

/** Each `plugin:<name>` check of `/health`, asked in-process (no socket), with the proxy's token. */
async function recordHealth(app: FastifyInstance, metrics: ProxyMetrics, token: string | undefined): Promise<void> {
  const res = await app.inject({ method: 'GET', url: '/health', headers: token ? { authorization: `Bearer ${token}` } : {} });
  const doc = res.json<HealthDoc>();
  metrics.pluginHealth.reset();
  for (const [id, results] of Object.entries(doc.checks ?? {})) {
    if (!id.startsWith('plugin:')) continue;
    metrics.pluginHealth.set({ plugin: id.slice('plugin:'.length) }, HEALTH_VALUE[results[0]?.status ?? 'fail'] ?? 0);
  }
}

export const Plugin = definePlugin({
  kind: 'plugin',
  name: 'metrics',
  version: '1.0.0',
  description: 'GET /metrics for Prometheus: requests, durations, time to first byte, tokens, upstream errors, in-flight, refreshes, plugin health',
  prefix: '/metrics',
  config: MetricsConfigSchema,
  async setup({ config, services }) {
    const token = services.settings.server.auth_token;
    const m = new ProxyMetrics(services.events, { maxModels: config.max_models, processMetrics: config.process_metrics });
    return {
      routes: async (app) => {
        app.get('/', async (_request, reply) => {
          // A scrape still answers when /health cannot: the health gauge is then left out.
          await recordHealth(app, m, token).catch(() => m.pluginHealth.reset());
          return reply.type(m.registry.contentType).send(await m.registry.metrics());
        });
      },
      pageLinks: () => [{ title: 'Prometheus metrics', path: '/' }],
      close: async () => m.close(),
    };
  },
});
