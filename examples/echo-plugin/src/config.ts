/** `[plugins.echo]`: every key has a default and a description (`ccproxy plugins settings echo` prints them). */
import { ProviderConfigSchema, z } from 'ccproxy-node/plugin';

export const EchoConfigSchema = ProviderConfigSchema.extend({
  model: z.string().min(1).default('echo-1').describe('Model name reported in answers and /echo/v1/models'),
  prefix_text: z.string().default('').describe('Text put before every echoed message'),
});

export type EchoConfig = z.infer<typeof EchoConfigSchema>;
