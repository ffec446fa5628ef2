/** `[plugins.metrics]`. */
import { PluginConfigSchema, z } from '../../plugin.js';

export const MetricsConfigSchema = PluginConfigSchema.extend({
  process_metrics: z.boolean().default(true).describe('Also export the Node process metrics (CPU, memory, event loop lag, handles)'),
  max_models: z.number().int().min(1).default(100).describe('Distinct model labels kept; further models are counted as "other" (bounds the series a client can create)'),
});
export type MetricsConfig = z.infer<typeof MetricsConfigSchema>;
