/**
 * Model names for one instance: which upstream model a client's name becomes (`model_map`,
 * `default_model`), and the upstream's own model list (`GET <base_url>/models`), fetched by the
 * scheduled probe and cached, so listing and health never cost a call per request.
 */
import type { Dispatcher } from 'undici';
import { ModelListCache, UpstreamError, fetchModelList, matchPattern, upstreamClient, type ModelAcceptance, type ModelInfo, type ProxyError } from '../../plugin.js';
import { bearer, isLocalUrl, type InstanceSettings } from './config.js';

/** Claude Code's own model names: meaningless upstream, so they take `default_model`. */
const CLAUDE_NAME = /^(claude-|opus$|sonnet$|haiku$)/i;

export function resolveModel(requested: string | undefined, settings: Pick<InstanceSettings, 'model_map' | 'default_model'>): string {
  const name = (requested ?? '').trim();
  const hit = name ? matchPattern(settings.model_map, name) : undefined;
  if (hit) return hit.value;
  if (settings.default_model && (!name || CLAUDE_NAME.test(name))) return settings.default_model;
  return name;
}

/**
 * How an openai instance takes a model it does not list: only through its own configuration
 * (model_map, or default_model for Claude names). An upstream's own names are known from its list.
 */
export function modelAcceptance(requested: string, settings: Pick<InstanceSettings, 'model_map' | 'default_model'>): ModelAcceptance | undefined {
  const name = requested.trim();
  if (name && matchPattern(settings.model_map, name)) return 'mapped';
  return settings.default_model && CLAUDE_NAME.test(name) ? 'mapped' : undefined;
}

export interface ProbeResult {
  ok: boolean;
  at: number;
  status?: number;
  error?: string;
  ms?: number;
}

export interface CatalogDeps {
  /** Provider name (`openai` or `openai.<name>`) for errors. */
  provider: string;
  settings: InstanceSettings;
  apiKey: () => string | undefined;
  dispatcher: Dispatcher;
}

export class ModelCatalog {
  lastProbe: ProbeResult | null = null;
  private readonly cache = new ModelListCache((signal) => this.fetch(signal));

  constructor(private readonly deps: CatalogDeps) {}

  /** Configured list, else the cached upstream list, else one fetch (failures → empty list). */
  async list(signal?: AbortSignal): Promise<ModelInfo[]> {
    const configured = this.deps.settings.models;
    if (configured) return configured.map((id) => ({ id, ownedBy: this.deps.provider }));
    if (!this.cache.cached && !this.deps.apiKey() && !isLocalUrl(this.deps.settings.base_url)) return [];
    return this.cache.list(signal);
  }

  /** `GET /models` now (single-flight); records the outcome for health. */
  refresh(signal?: AbortSignal): Promise<ModelInfo[]> {
    return this.cache.refresh(signal);
  }

  private async fetch(signal?: AbortSignal): Promise<ModelInfo[]> {
    const { settings, provider } = this.deps;
    const started = performance.now();
    try {
      const { status, models } = await fetchModelList(upstreamClient(this.deps.dispatcher), {
        url: `${settings.base_url.replace(/\/+$/, '')}/models`,
        headers: settings.headers,
        credential: { source: { token: this.deps.apiKey }, apply: bearer },
        signal,
        timeoutMs: Math.min(settings.timeout, 15) * 1000,
        plugin: provider,
        toModel: (m) => ({ id: m.id, ...(typeof m.created === 'number' ? { created: m.created } : {}), ownedBy: typeof m.owned_by === 'string' ? m.owned_by : provider }),
      });
      this.lastProbe = { ok: true, at: Date.now(), status, ms: Math.round(performance.now() - started) };
      return models;
    } catch (err) {
      const e = err as ProxyError;
      this.lastProbe = {
        ok: false,
        at: Date.now(),
        ...(err instanceof UpstreamError ? { status: err.upstreamStatus } : {}),
        error: e.message ?? String(err),
        ms: Math.round(performance.now() - started),
      };
      throw err;
    }
  }
}
