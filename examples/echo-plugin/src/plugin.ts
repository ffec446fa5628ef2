/**
 * ccproxy-plugin-echo: a provider plugin packaged on its own, importing nothing from ccproxy but
 * its public entry `ccproxy-node/plugin`. ccproxy finds it in node_modules through the
 * `"ccproxy": { "plugin": "./dist/plugin.js" }` field of package.json and mounts it under /echo:
 * `POST /echo/v1/messages`, `/echo/v1/chat/completions`, `/echo/v1/responses` (streaming
 * included) and `GET /echo/v1/models`, all answering with the last user message.
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
import { EchoAdapter } from './adapter.js';
import { EchoConfigSchema, type EchoConfig } from './config.js';

export class Plugin implements ProviderPlugin<EchoConfig> {
  readonly kind = 'provider' as const;
  readonly name = 'echo';
  readonly version = '0.2.0';
  readonly description = 'Echoes the last user message (example external plugin)';
  readonly routerPrefix = '/echo';
  readonly configSchema = EchoConfigSchema;
  private state: { config: EchoConfig; adapter: EchoAdapter } | undefined;

  async initialize(services: CoreServices): Promise<void> {
    const config = EchoConfigSchema.parse(services.getPluginConfig(this.name));
    this.state = { config, adapter: new EchoAdapter(config) };
  }

  async shutdown(): Promise<void> {
    this.state = undefined;
  }

  createConfig(): EchoConfig {
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
    return { status: 'pass', componentId: this.name, componentType: 'provider', output: 'echo is always ready' };
  }

  getScheduledTasks(): ScheduledTaskDefinition[] {
    return [];
  }

  startupInfo(): StartupInfo {
    return { lines: ['answers with the last user message'], credentials: { ok: true, message: 'no credentials needed' } };
  }

  private need(): { config: EchoConfig; adapter: EchoAdapter } {
    if (!this.state) throw new PluginError(this.name, 'echo used before initialize()');
    return this.state;
  }
}
