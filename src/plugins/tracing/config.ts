/** `[plugins.tracing]`: off unless enabled (it sends spans to a collector). */
import { PluginConfigSchema, z } from '../../plugin.js';

export const TracingConfigSchema = PluginConfigSchema.extend({
  enabled: z.boolean().default(false).describe('Export a span per request to an OpenTelemetry collector (off by default)'),
  endpoint: z.string().url().default('http://127.0.0.1:4318/v1/traces').describe('OTLP/HTTP traces endpoint of the collector'),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers on each export (e.g. a collector API key)'),
  service_name: z.string().min(1).default('ccproxy').describe('service.name resource attribute'),
  timeout_seconds: z.number().positive().default(10).describe('Bound for one export request'),
});
export type TracingConfig = z.infer<typeof TracingConfigSchema>;
