/**
 * ccproxy-plugin-acme: a provider for an OpenAI-compatible API ("Acme"), mounted under /acme on
 * the Anthropic Messages, Chat Completions and Responses APIs. Its key comes from the environment
 * ccproxy was started with (`ACME_API_KEY` unless `api_key_env` says otherwise).
 */
import {
  PluginError,
  providerRoutes,
  type CoreServices,
  type FastifyPluginAsync,
  type HealthCheckResult,
  type ProviderAdapter,
  type ProviderPlugin,
  type ScheduledTaskDefinition,
  type StartupInfo,
} from 'ccproxy-node/plugin';
import { AcmeAdapter } from './adapter.js';
import { AcmeConfigSchema, type AcmeConfig } from './config.js';

interface State {
  config: AcmeConfig;
  hasKey: boolean;
  adapter: AcmeAdapter;
}

export class Plugin implements ProviderPlugin<AcmeConfig> {
  readonly kind = 'provider' as const;
  readonly name = 'acme';
  readonly version = '0.1.0';
  readonly description = 'Acme models through their OpenAI-compatible API (example plugin)';
  readonly routerPrefix = '/acme';
  readonly configSchema = AcmeConfigSchema;
  private state: State | undefined;

  async initialize(services: CoreServices): Promise<void> {
    const config = AcmeConfigSchema.parse(services.getPluginConfig(this.name));
    // services.env, not process.env: an embedded or tested proxy reads only what it was given.
    const key = services.env[config.api_key_env];
    this.state = { config, hasKey: !!key, adapter: new AcmeAdapter(config, key, services.httpClient) };
  }

  async shutdown(): Promise<void> {
    this.state = undefined;
  }

  createConfig(): AcmeConfig {
    return this.need().config;
  }

  async validate(): Promise<boolean> {
    return this.state !== undefined;
  }

  getRoutes(): FastifyPluginAsync {
    return providerRoutes(this.need().adapter, { plugin: this.name });
  }

  createAdapter(): ProviderAdapter {
    return this.need().adapter;
  }

  async healthCheck(): Promise<HealthCheckResult> {
    const { config, hasKey } = this.need();
    return hasKey
      ? { status: 'pass', componentId: this.name, componentType: 'provider', output: `API key from ${config.api_key_env}` }
      : { status: 'warn', componentId: this.name, componentType: 'provider', output: `no API key: set ${config.api_key_env}` };
  }

  getScheduledTasks(): ScheduledTaskDefinition[] {
    return [];
  }

  startupInfo(): StartupInfo {
    const { config, hasKey } = this.need();
    return hasKey
      ? { lines: [`upstream: ${config.base_url}`], credentials: { ok: true, message: `API key from ${config.api_key_env}` } }
      : { credentials: { ok: false, message: 'no API key', fix: `export ${config.api_key_env}=<your key>` } };
  }

  private need(): State {
    if (!this.state) throw new PluginError(this.name, 'acme used before initialize()');
    return this.state;
  }
}
