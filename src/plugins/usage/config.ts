/** `[plugins.usage]`. */
import { PluginConfigSchema, z } from '../../plugin.js';

const perMillion = z.number().min(0);

export const PriceSchema = z.object({
  input: perMillion.describe('USD per million input tokens (not read from or written to the cache)'),
  output: perMillion.describe('USD per million output tokens (reasoning included)'),
  cache_read: perMillion.optional().describe('USD per million cache-read tokens (default: input)'),
  cache_write: perMillion.optional().describe('USD per million cache-write tokens (default: input)'),
}).strict();

export const UsageConfigSchema = PluginConfigSchema.extend({
  path: z.string().default('').describe('SQLite database file (default: $XDG_DATA_HOME/ccproxy/usage.db)'),
  retention_days: z.number().int().min(0).default(90).describe('Delete requests older than this many days (0: keep everything)'),
  pricing: z.record(z.string(), PriceSchema).default({})
    .describe('Prices by model name or glob, tried before the built-in table: { input, output, cache_read, cache_write } in USD per million tokens'),
});
export type UsageConfig = z.infer<typeof UsageConfigSchema>;
