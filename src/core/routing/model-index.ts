/**
 * Which providers list which models (`listModels()` of every active provider), cached so routing
 * by model never waits on a listing more than once: the first lookup builds it (each provider
 * bounded), later lookups use it and refresh it in the background once it is older than the TTL.
 */
import type { Logger } from 'pino';
import type { ModelInfo } from '../adapter.js';
import type { ProviderDirectory, ProviderEntry } from './directory.js';

const TTL_MS = 60_000;
const LIST_TIMEOUT_MS = 5_000;

export interface ListedModel extends ModelInfo {
  provider: string;
}

export class ModelIndex {
  private byId = new Map<string, string[]>();
  private builtAt = 0;
  private building: Promise<void> | null = null;

  constructor(private readonly directory: ProviderDirectory, private readonly logger: Logger) {}

  /** Providers (by priority) that list `model`, case-insensitive. */
  async providersFor(model: string): Promise<string[]> {
    if (this.builtAt === 0) await this.refresh();
    else if (Date.now() - this.builtAt > TTL_MS) void this.refresh();
    return this.byId.get(model.toLowerCase()) ?? [];
  }

  /** Every active provider's models now (for `GET /v1/models`), and the index updated from them. */
  async listAll(): Promise<ListedModel[]> {
    const entries = this.directory.activeEntries();
    const lists = await Promise.all(entries.map((e) => this.list(e)));
    const all = lists.flat();
    this.index(all);
    return all;
  }

  private refresh(): Promise<void> {
    this.building ??= this.listAll().then(() => undefined).finally(() => {
      this.building = null;
    });
    return this.building;
  }

  private index(models: ListedModel[]): void {
    const byId = new Map<string, string[]>();
    for (const m of models) {
      const key = m.id.toLowerCase();
      const list = byId.get(key) ?? [];
      if (!list.includes(m.provider)) list.push(m.provider);
      byId.set(key, list);
    }
    this.byId = byId;
    this.builtAt = Date.now();
  }

  private async list(entry: ProviderEntry): Promise<ListedModel[]> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`listModels timed out after ${LIST_TIMEOUT_MS} ms`)), LIST_TIMEOUT_MS);
        timer.unref();
      });
      const models = await Promise.race([entry.adapter.listModels(), deadline]);
      return models.map((m) => ({ ...m, provider: entry.name }));
    } catch (err) {
      this.logger.warn({ provider: entry.name, error: err instanceof Error ? err.message : String(err) }, 'listModels failed; its models are not routed by name');
      return [];
    } finally {
      clearTimeout(timer);
    }
  }
}
