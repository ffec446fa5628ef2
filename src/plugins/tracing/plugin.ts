/**
 * The tracing plugin (off by default): a span per request and per upstream attempt, exported over
 * OTLP/HTTP to an OpenTelemetry collector in batches, off the request's path.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { definePlugin } from '../../plugin.js';
import { TracingConfigSchema } from './config.js';
import { RequestSpans } from './spans.js';

export const Plugin = definePlugin({
  kind: 'plugin',
  name: 'tracing',
  version: '1.0.0',
  description: 'OpenTelemetry traces over OTLP/HTTP: a span per request, a child per upstream attempt, GenAI attributes (off by default)',
  config: TracingConfigSchema,
  async setup({ config, services }) {
    const exporter = new OTLPTraceExporter({ url: config.endpoint, headers: config.headers, timeoutMillis: config.timeout_seconds * 1000 });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.service_name, 'service.version': services.version }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
    });
    const spans = new RequestSpans(services.events, provider.getTracer('ccproxy', services.version));
    return {
      health: () => ({ status: 'pass', componentId: 'tracing', componentType: 'plugin', output: `exporting to ${config.endpoint}` }),
      startupInfo: () => ({ lines: [`traces: OTLP/HTTP to ${config.endpoint}`] }),
      close: async () => {
        spans.close();
        // Sends what is still batched (bounded by the exporter's timeout).
        await provider.shutdown().catch(() => undefined);
      },
    };
  },
});
