/**
 * The plugin protocol. Every provider (claude_api, codex, ...) and every non-provider extension
 * (observability, ...) implements one of these; the core knows plugins only through this file.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { CoreServices } from './services.js';
import type { ProviderAdapter } from './adapter.js';
import type { ScheduledTaskDefinition } from './types.js';

export type { ScheduledTaskDefinition } from './types.js';

/** Base schema every plugin's config section extends (`[plugins.<name>]`). */
export const PluginConfigSchema = z.object({
  enabled: z.boolean().default(true).describe('Load and start this plugin'),
});

/** Base schema for provider plugins: adds `priority` (higher wins when several providers match). */
export const ProviderConfigSchema = PluginConfigSchema.extend({
  priority: z.number().int().default(0).describe('Ordering among providers; higher first'),
});

export type PluginConfig = z.infer<typeof PluginConfigSchema>;
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

/** One health check entry, IETF draft-inadarei-api-health-check "checks" item. */
export interface HealthCheckResult {
  status: 'pass' | 'warn' | 'fail';
  componentId: string;
  componentType?: string;
  output?: string;
  version?: string;
  time?: string;
  observedValue?: unknown;
  observedUnit?: string;
  details?: Record<string, unknown>;
}

/** Fields shared by every plugin, provider or not. */
export interface PluginBase<C extends PluginConfig = PluginConfig> {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /**
   * Mount point for this plugin's routes: starts with '/', unique across plugins.
   * Optional for non-provider plugins that serve no routes.
   */
  readonly routerPrefix?: string;
  /** zod schema for `[plugins.<name>]`; must extend PluginConfigSchema. */
  readonly configSchema: z.ZodType<C>;
  /** Called once at startup with shared services; bounded by `plugin_init_timeout`. */
  initialize(services: CoreServices): Promise<void>;
  /** Called once on shutdown after in-flight requests finished; release processes, sockets, timers. */
  shutdown(): Promise<void>;
  /** The validated config section (after initialize). */
  createConfig(): C;
  /** Ready to serve? false marks the plugin failed with "validation failed". */
  validate(): Promise<boolean>;
  /** Routes, mounted as an encapsulated Fastify plugin under routerPrefix. */
  getRoutes(): FastifyPluginAsync | null;
  /**
   * Routes outside the prefix, mounted at the root (for an API that is not the provider's own,
   * e.g. `/permissions`). Same guards, tagging and collision check as `getRoutes()`; a path
   * another plugin or the core already serves refuses startup. Optional.
   */
  getRootRoutes?(): FastifyPluginAsync | null;
  healthCheck(): Promise<HealthCheckResult>;
  getScheduledTasks(): ScheduledTaskDefinition[];
  /** What `ccproxy serve` prints about this plugin once started (credentials found? how to fix?). */
  startupInfo?(): StartupInfo;
  /**
   * A provider with account pools: the account names per provider (instance), e.g.
   * `{ claude_api: ['work', 'personal'] }`, listed on `/plugins`. Names only, never a credential.
   */
  accountNames?(): Record<string, string[]>;
  /** Links the `GET /` page lists for this plugin (a dashboard, its docs); paths under routerPrefix. */
  pageLinks?(): PageLink[];
  /** `ccproxy auth login|status|logout <alias>` support. */
  readonly auth?: PluginAuthCommands<C>;
}

/** A link on the `GET /` page: `path` is below the plugin's routerPrefix (`/dashboard`). */
export interface PageLink {
  title: string;
  path: string;
}

export interface StartupInfo {
  /** e.g. "credentials: ~/.claude/.credentials.json (max, expires in 5h)" */
  lines?: string[];
  credentials?: { ok: boolean; message: string; fix?: string };
}

export interface AuthCommandContext<C> {
  config: C;
  services: Pick<CoreServices, 'httpClient' | 'logger' | 'settings' | 'cacheDir' | 'dataDir' | 'version' | 'env'> & {
    /** With `[state] credentials_store = "redis"`: the shared state the accounts' tokens live in. */
    state?: CoreServices['state'];
  };
  /** `--account <name>`: one account of the provider's pool (stored under the data dir unless configured). */
  account?: string;
  /** Write a line for the person at the terminal. */
  print: (line: string) => void;
  /** Ask the person for a line (e.g. a pasted authorization code). */
  prompt: (question: string) => Promise<string>;
  noBrowser: boolean;
}

export interface AuthStatusReport {
  loggedIn: boolean;
  /** Human lines: who, subscription, expiry, file path. Never a token. */
  lines: string[];
}

/** One account as `ccproxy accounts` lists it (what its credentials say; the pool state comes from the running proxy). */
export interface AccountInfo {
  name: string;
  /** Subscription plan, or `api key`. */
  plan?: string;
  /** Access token expiry, ms since epoch. */
  expiresAt?: number;
  /** Why the credentials are unusable, when they are. Never a token. */
  problem?: string;
}

export interface PluginAuthCommands<C> {
  /** Names accepted on the command line, e.g. ['claude'] for claude_api. The plugin name always works. */
  aliases: string[];
  login(ctx: AuthCommandContext<C>): Promise<void>;
  status(ctx: AuthCommandContext<C>): Promise<AuthStatusReport>;
  logout(ctx: AuthCommandContext<C>): Promise<void>;
  /** Every account of the provider (`ccproxy accounts`). */
  accounts?(ctx: AuthCommandContext<C>): Promise<AccountInfo[]>;
}

/** A non-provider plugin (observability, metrics, ...). */
export interface Plugin<C extends PluginConfig = PluginConfig> extends PluginBase<C> {
  readonly kind: 'plugin';
}

/** A provider plugin: serves model APIs under its prefix and can be routed to by model. */
export interface ProviderPlugin<C extends ProviderConfig = ProviderConfig> extends PluginBase<C> {
  readonly kind: 'provider';
  readonly routerPrefix: string;
  /** The adapter the root routes (`/v1/...`) dispatch to; one per provider instance. */
  createAdapter(): ProviderAdapter;
  /**
   * Extra provider instances (e.g. `openai.local`), each with its own adapter. Names are
   * `<plugin>.<instance>`. Optional.
   */
  getInstances?(): Array<{ name: string; adapter: ProviderAdapter }>;
}

export type AnyPlugin = Plugin | ProviderPlugin;

/**
 * What a plugin module exports as `Plugin`: a class with a no-arg constructor, or a factory.
 * `export class Plugin implements ProviderPlugin {...}` or `export const Plugin = () => ({...})`.
 */
export type PluginExport = (new () => AnyPlugin) | (() => AnyPlugin | Promise<AnyPlugin>);

export function isProviderPlugin(p: AnyPlugin): p is ProviderPlugin {
  return p.kind === 'provider';
}
