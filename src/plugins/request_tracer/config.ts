/** `[plugins.request_tracer]`: off unless enabled (it writes request and response bodies to disk). */
import { PluginConfigSchema, z } from '../../plugin.js';

export const RequestTracerConfigSchema = PluginConfigSchema.extend({
  enabled: z.boolean().default(false).describe('Write every exchange (headers and bodies, credentials redacted) to `dir` (off by default)'),
  dir: z.string().default('').describe('Where the traces go, one folder per request id (default: $XDG_STATE_HOME/ccproxy/traces)'),
  keep: z.number().int().min(1).default(200).describe('Traces kept; the oldest folders are deleted beyond this'),
});
export type RequestTracerConfig = z.infer<typeof RequestTracerConfigSchema>;
