/**
 * ccproxy-plugin-acme: a provider for an OpenAI-compatible API ("Acme"), mounted under /acme on
 * the Anthropic Messages, Chat Completions and Responses APIs. Its key comes from the environment
 * ccproxy was started with (`ACME_API_KEY` unless `api_key_env` says otherwise).
 */
import { definePlugin, type HealthCheckResult, type StartupInfo } from 'ccproxy-node/plugin';
import { AcmeAdapter } from './adapter.js';
import { AcmeConfigSchema } from './config.js';

export const Plugin = definePlugin({
  kind: 'provider',
  name: 'acme',
  version: '0.1.0',
  description: 'Acme models through their OpenAI-compatible API (example plugin)',
  prefix: '/acme',
  config: AcmeConfigSchema,
  async setup({ config, services }) {
    // services.env, not process.env: an embedded or tested proxy reads only what it was given.
    const key = services.env[config.api_key_env];
    const check = (status: HealthCheckResult['status'], output: string): HealthCheckResult =>
      ({ status, componentId: 'acme', componentType: 'provider', output });
    return {
      // definePlugin mounts its standard model routes under /acme.
      adapter: new AcmeAdapter(config, key, services.httpClient),
      health: async () => (key ? check('pass', `API key from ${config.api_key_env}`) : check('warn', `no API key: set ${config.api_key_env}`)),
      startupInfo: (): StartupInfo => (key
        ? { lines: [`upstream: ${config.base_url}`], credentials: { ok: true, message: `API key from ${config.api_key_env}` } }
        : { credentials: { ok: false, message: 'no API key', fix: `export ${config.api_key_env}=<your key>` } }),
    };
  },
});
