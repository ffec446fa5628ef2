/**
 * The tracing plugin (off by default): a span per request and per upstream attempt, exported over
 * OTLP/HTTP to an OpenTelemetry collector in batches, off the request's path.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Plugin as PluginShape } from '../../plugin.js';
import { TracingConfigSchema, type TracingConfig } from './config.js';
import { RequestSpans } from './spans.js';

export const Plugin = (): PluginShape<TracingConfig> => {
  let config: TracingConfig | undefined;
  let provider: BasicTracerProvider | undefined;
  let spans: RequestSpans | undefined;
  return {
    kind: 'plugin',
    name: 'tracing',
    version: '1.0.0',
    description: 'OpenTelemetry traces over OTLP/HTTP: a span per request, a child per upstream attempt, GenAI attributes (off by default)',
    configSchema: TracingConfigSchema,
    async initialize(services) {
      const c = TracingConfigSchema.parse(services.getPluginConfig('tracing'));
      config = c;
      const exporter = new OTLPTraceExporter({ url: c.endpoint, headers: c.headers, timeoutMillis: c.timeout_seconds * 1000 });
      provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': c.service_name, 'service.version': services.version }),
        spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
      });
      spans = new RequestSpans(services.events, provider.getTracer('ccproxy', services.version));
    },
    async shutdown() {
      spans?.close();
      // Sends what is still batched (bounded by the exporter's timeout).
      await provider?.shutdown().catch(() => undefined);
      spans = undefined;
      provider = undefined;
    },
    createConfig() {
      if (!config) throw new Error('tracing is not initialized');
      return config;
    },
    async validate() {
      return spans !== undefined;
    },
    getRoutes: () => null,
    async healthCheck() {
      return { status: spans ? 'pass' : 'fail', componentId: 'tracing', componentType: 'plugin', output: config ? `exporting to ${config.endpoint}` : undefined };
    },
    getScheduledTasks: () => [],
    startupInfo: () => ({ lines: config ? [`traces: OTLP/HTTP to ${config.endpoint}`] : [] }),
  };
};
