/**
 * The providers root routing can send a request to: every active provider plugin's adapter (named
 * like the plugin) and its extra instances (`<plugin>.<instance>`, from `getInstances()`), with
 * the plugin's `priority` and load order. Built once at startup; whether a provider is still
 * active is asked of the registry per request (a plugin can fail after startup).
 */
import type { Logger } from 'pino';
import type { ProviderAdapter } from '../adapter.js';
import { isProviderPlugin, type AnyPlugin } from '../plugin.js';
import type { PluginRegistry } from '../registry.js';

export interface ProviderEntry {
  /** `claude_api`, `codex`, `openai`, `openai.local`... */
  name: string;
  /** The plugin that owns it. */
  plugin: string;
  adapter: ProviderAdapter;
  priority: number;
  /** Load order, for ties. */
  order: number;
}

export class ProviderDirectory {
  private readonly byName = new Map<string, ProviderEntry>();

  constructor(private readonly registry: PluginRegistry, entries: ProviderEntry[]) {
    for (const e of entries) this.byName.set(e.name, e);
  }

  /** Adapters of the plugins that started; a plugin whose adapter cannot be built is skipped (logged). */
  static build(plugins: AnyPlugin[], registry: PluginRegistry, logger: Logger): ProviderDirectory {
    const entries: ProviderEntry[] = [];
    let order = 0;
    for (const plugin of plugins) {
      if (!isProviderPlugin(plugin) || registry.get(plugin.name)?.state === 'failed') continue;
      const config = registry.get(plugin.name)?.config as { priority?: unknown } | undefined;
      const priority = typeof config?.priority === 'number' ? config.priority : 0;
      try {
        entries.push({ name: plugin.name, plugin: plugin.name, adapter: plugin.createAdapter(), priority, order: order++ });
        for (const inst of plugin.getInstances?.() ?? []) {
          if (!inst.name.startsWith(`${plugin.name}.`)) {
            logger.warn({ plugin: plugin.name, instance: inst.name }, 'provider instance ignored: its name must start with "<plugin>."');
            continue;
          }
          entries.push({ name: inst.name, plugin: plugin.name, adapter: inst.adapter, priority, order: order++ });
        }
      } catch (err) {
        logger.error({ plugin: plugin.name, err }, 'provider adapter unavailable for root routing');
      }
    }
    return new ProviderDirectory(registry, entries);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The entry when its plugin is active now. */
  active(name: string): ProviderEntry | undefined {
    const e = this.byName.get(name);
    return e && this.registry.get(e.plugin)?.state === 'active' ? e : undefined;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Active entries, highest priority first, then load order. */
  activeEntries(): ProviderEntry[] {
    return [...this.byName.values()]
      .filter((e) => this.registry.get(e.plugin)?.state === 'active')
      .sort((a, b) => b.priority - a.priority || a.order - b.order);
  }
}
