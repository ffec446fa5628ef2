/**
 * `definePlugin()`: a plugin from what only it knows, instead of the protocol's class skeleton.
 * The plugin declares its name, version, prefix, config schema and auth commands, and a `setup`
 * that gets the validated config and the core's services and returns what it built: the adapter
 * (providers), routes, health, scheduled tasks, startup lines, account names, page links, and a
 * `close`. The class this returns does the rest of the protocol: it parses the config section,
 * keeps the setup, answers "used before initialize()" with a PluginError, mounts the adapter's
 * standard routes, reports ready once set up, and runs `close` once on shutdown.
 *
 * The result is a class (the loader's protocol check and `new Plugin()` both work); a class-based
 * plugin written against the protocol itself (src/core/plugin.ts) keeps working unchanged.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { ProviderAdapter } from './adapter.js';
import { PluginError } from './errors.js';
import { providerRoutes } from './http/provider-routes.js';
import type { HealthCheckResult, PageLink, Plugin, PluginAuthCommands, PluginConfig, ProviderConfig, ProviderPlugin, StartupInfo } from './plugin.js';
import type { CoreServices } from './services.js';
import type { ScheduledTaskDefinition } from './types.js';

/** What `setup` gets. */
export interface SetupContext<C> {
  /** The plugin's validated `[plugins.<name>]` section. */
  config: C;
  services: CoreServices;
}

/** What a plugin built in `setup`; everything is optional but a provider's adapter and health. */
export interface PluginSetup {
  /** Routes under the prefix. A provider without them gets its adapter's standard model routes. */
  routes?: FastifyPluginAsync | null;
  /** Routes at the root (see `PluginBase.getRootRoutes`). */
  rootRoutes?: FastifyPluginAsync | null;
  /** Default: pass once set up. */
  health?(): HealthCheckResult | Promise<HealthCheckResult>;
  tasks?(): ScheduledTaskDefinition[];
  startupInfo?(): StartupInfo;
  accountNames?(): Record<string, string[]>;
  pageLinks?(): PageLink[];
  /** Release processes, sockets, timers: called once, on shutdown. */
  close?(): Promise<void>;
}

export interface ProviderSetup extends PluginSetup {
  adapter: ProviderAdapter;
  health(): HealthCheckResult | Promise<HealthCheckResult>;
  /** Extra instances (`<plugin>.<instance>`), each with its own adapter. */
  instances?(): Array<{ name: string; adapter: ProviderAdapter }>;
}

interface DefinitionBase<C, A> {
  name: string;
  version: string;
  description?: string;
  /** zod schema for `[plugins.<name>]`, extending PluginConfigSchema (ProviderConfigSchema for a provider). */
  config: z.ZodType<C>;
  /** `ccproxy auth login|status|logout` support (works without setup: the CLI never starts the plugin). */
  auth?: A;
}

export interface ProviderDefinition<C extends ProviderConfig, A> extends DefinitionBase<C, A> {
  kind: 'provider';
  /** Mount point: starts with '/', unique across plugins. */
  prefix: string;
  setup(ctx: SetupContext<C>): Promise<ProviderSetup>;
}

export interface ExtensionDefinition<C extends PluginConfig, A> extends DefinitionBase<C, A> {
  kind: 'plugin';
  prefix?: string;
  setup(ctx: SetupContext<C>): Promise<PluginSetup>;
}

/** The class `definePlugin` returns: the protocol, `auth` typed as declared, and `startupInfo` always there. */
export type DefinedPlugin<P, A> = new () => P & { readonly auth: A; startupInfo(): StartupInfo };

export function definePlugin<C extends ProviderConfig, A extends PluginAuthCommands<C> | undefined = undefined>(
  def: ProviderDefinition<C, A>,
): DefinedPlugin<ProviderPlugin<C>, A>;
export function definePlugin<C extends PluginConfig, A extends PluginAuthCommands<C> | undefined = undefined>(
  def: ExtensionDefinition<C, A>,
): DefinedPlugin<Plugin<C>, A>;
export function definePlugin<C extends PluginConfig, A>(def: ProviderDefinition<C & ProviderConfig, A> | ExtensionDefinition<C, A>): new () => unknown {
  type Ready = { config: C; setup: PluginSetup & Partial<ProviderSetup> };
  return class DefinedPlugin {
    readonly kind = def.kind;
    readonly name = def.name;
    readonly version = def.version;
    readonly description = def.description;
    readonly routerPrefix = def.prefix;
    readonly configSchema = def.config;
    readonly auth = def.auth;
    #ready: Ready | undefined;

    async initialize(services: CoreServices): Promise<void> {
      const config = def.config.parse(services.getPluginConfig(def.name));
      this.#ready = { config, setup: await def.setup({ config: config as C & ProviderConfig, services }) };
    }

    async shutdown(): Promise<void> {
      const ready = this.#ready;
      this.#ready = undefined;
      await ready?.setup.close?.();
    }

    createConfig(): C {
      return this.#state().config;
    }

    async validate(): Promise<boolean> {
      return this.#ready !== undefined;
    }

    getRoutes(): FastifyPluginAsync | null {
      const { setup } = this.#state();
      if (setup.routes !== undefined) return setup.routes;
      return setup.adapter ? providerRoutes(setup.adapter, { plugin: def.name }) : null;
    }

    getRootRoutes(): FastifyPluginAsync | null {
      return this.#state().setup.rootRoutes ?? null;
    }

    createAdapter(): ProviderAdapter {
      const adapter = this.#state().setup.adapter;
      if (!adapter) throw new PluginError(def.name, `${def.name} has no adapter`);
      return adapter;
    }

    getInstances(): Array<{ name: string; adapter: ProviderAdapter }> {
      return this.#state().setup.instances?.() ?? [];
    }

    healthCheck(): Promise<HealthCheckResult> {
      const ready = this.#ready;
      if (ready?.setup.health) return Promise.resolve(ready.setup.health());
      return Promise.resolve({ status: ready ? 'pass' : 'fail', componentId: def.name, componentType: 'plugin' });
    }

    getScheduledTasks(): ScheduledTaskDefinition[] {
      return this.#state().setup.tasks?.() ?? [];
    }

    startupInfo(): StartupInfo {
      return this.#ready?.setup.startupInfo?.() ?? {};
    }

    accountNames(): Record<string, string[]> | undefined {
      return this.#ready?.setup.accountNames?.();
    }

    pageLinks(): PageLink[] | undefined {
      return this.#ready?.setup.pageLinks?.();
    }

    #state(): Ready {
      if (!this.#ready) throw new PluginError(def.name, `${def.name} plugin used before initialize()`);
      return this.#ready;
    }
  };
}
