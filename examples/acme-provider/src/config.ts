/** `[plugins.acme]`: where the API is, where its key is, which model to use by default. */
import { ProviderConfigSchema, z } from 'ccproxy-node/plugin';

export const AcmeConfigSchema = ProviderConfigSchema.extend({
  base_url: z.string().url().default('https://api.acme.example/v1').describe('The API base URL (the part before /chat/completions)'),
  api_key_env: z.string().default('ACME_API_KEY').describe('Environment variable holding the API key'),
  default_model: z.string().min(1).default('acme-large').describe('Model used when the client names none'),
});

export type AcmeConfig = z.infer<typeof AcmeConfigSchema>;
