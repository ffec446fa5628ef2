/**
 * PluginRegistry: the loader's records, updated by the runtime as plugins start or fail, and the
 * shape `GET /plugins` serves.
 */
import type { PluginRecord, PluginSource, PluginState } from './loader/types.js';
import type { PageLink } from './plugin.js';

export type { PluginRecord, PluginSource, PluginState } from './loader/types.js';

export interface PluginSummary {
  name: string;
  version?: string;
  kind?: 'provider' | 'plugin';
  prefix?: string;
  source: PluginSource;
  state: PluginState;
  reason?: string;
  routes: string[];
  tasks: unknown[];
  /** A provider with accounts: their names per provider (instance), never a credential. */
  accounts?: Record<string, string[]>;
}

export class PluginRegistry {
  private readonly records = new Map<string, PluginRecord>();

  constructor(records: PluginRecord[] = []) {
    for (const r of records) this.add(r);
  }

  /** Add or replace a record (by name). */
  add(record: PluginRecord): void {
    this.records.set(record.name, record);
  }

  all(): PluginRecord[] {
    return [...this.records.values()];
  }

  active(): PluginRecord[] {
    return this.all().filter((r) => r.state === 'active');
  }

  /** Active provider plugins. */
  providers(): PluginRecord[] {
    return this.active().filter((r) => r.plugin?.kind === 'provider');
  }

  /**
   * The `GET /` page links of the active plugins (`pageLinks()`), made absolute under each one's
   * prefix. A plugin whose pageLinks() throws or returns junk contributes nothing.
   */
  pageLinks(): Array<PageLink & { plugin: string }> {
    const out: Array<PageLink & { plugin: string }> = [];
    for (const r of this.active()) {
      let links: unknown;
      try {
        links = r.plugin?.pageLinks?.();
      } catch {
        continue;
      }
      if (!Array.isArray(links)) continue;
      for (const l of links as Array<Partial<PageLink>>) {
        if (typeof l?.title !== 'string' || typeof l.path !== 'string' || !l.path.startsWith('/')) continue;
        out.push({ plugin: r.name, title: l.title, path: `${r.plugin?.routerPrefix ?? ''}${l.path}` });
      }
    }
    return out;
  }

  get(name: string): PluginRecord | undefined {
    return this.records.get(name);
  }

  markActive(name: string, routes?: string[]): void {
    const r = this.records.get(name);
    if (!r) return;
    r.state = 'active';
    r.reason = undefined;
    if (routes) r.routes = routes;
  }

  markFailed(name: string, reason: string): void {
    const r = this.records.get(name);
    if (!r) return;
    r.state = 'failed';
    r.reason = reason;
  }

  /**
   * The `GET /plugins` list. `tasksOf` adds scheduler state per plugin; JSON.stringify passes a
   * string key here, which is ignored.
   */
  toJSON(tasksOf?: ((name: string) => unknown[]) | string): PluginSummary[] {
    const tasks = typeof tasksOf === 'function' ? tasksOf : () => [];
    return this.all().map((r) => ({
      name: r.name,
      version: r.version ?? r.plugin?.version,
      kind: r.plugin?.kind,
      prefix: r.plugin?.routerPrefix,
      source: r.source,
      state: r.state,
      reason: r.reason,
      routes: r.routes ?? [],
      tasks: tasks(r.name),
      ...accountsOf(r),
    }));
  }
}

/** Only a started plugin has accounts to name; one that cannot say is listed without. */
function accountsOf(r: PluginRecord): { accounts?: Record<string, string[]> } {
  if (r.state !== 'active' || !r.plugin?.accountNames) return {};
  try {
    return { accounts: r.plugin.accountNames() };
  } catch {
    return {};
  }
}
