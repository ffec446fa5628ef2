/** `[plugins.access_log]`. */
import { PluginConfigSchema, z } from '../../plugin.js';

export const AccessLogConfigSchema = PluginConfigSchema.extend({
  file: z.boolean().default(true).describe('Write one JSON line per request to `path`'),
  path: z.string().default('').describe('JSON lines file (default: $XDG_STATE_HOME/ccproxy/access.log)'),
  max_bytes: z.number().int().min(1024).default(10 * 1024 * 1024).describe('Rotate the file when it would grow past this many bytes'),
  keep: z.number().int().min(0).max(100).default(5).describe('Rotated files kept (access.log.1 is the newest)'),
  stdout: z.boolean().default(false).describe('Also print a short human line per request on stdout'),
});
export type AccessLogConfig = z.infer<typeof AccessLogConfigSchema>;
