/** `[plugins.dashboard]`. */
import { z } from 'zod';
import { PluginConfigSchema } from './framework.js';

export const DashboardConfigSchema = PluginConfigSchema.extend({
  usage_days: z.number().int().min(1).max(366).default(14).describe('Days of usage the chart shows (from the usage plugin)'),
});
export type DashboardConfig = z.infer<typeof DashboardConfigSchema>;
