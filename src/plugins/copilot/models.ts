/**
 * Copilot's models: the list from `GET <api>/models` (cached; refreshed by a scheduled task, never
 * per request), and which Copilot model a client's name becomes. Claude Code sends names like
 * `claude-sonnet-4-5-20250929`; Copilot lists `claude-sonnet-4.5`: the date goes, the version
 * gets its dot, and a version Copilot does not offer falls back to the newest of the same family.
 * `model_map` comes first; anything else Claude-shaped, or no model at all, takes `default_model`.
 */
import { ModelListCache, UpstreamError, fetchModelList, matchPattern, upstreamClient, type CoreServices, type ModelAcceptance, type ModelInfo } from '../../plugin.js';
import { copilotAuth, type CopilotTokens } from './auth/copilot-token.js';
import { editorHeaders, type CopilotConfig } from './config.js';

const CLAUDE_NAME = /^(claude-|opus$|sonnet$|haiku$)/i;
const FAMILY = /(opus|sonnet|haiku)/i;

export interface ModelsFetch {
  ok: boolean;
  at: number;
  status?: number;
  error?: string;
  count?: number;
}

/** `claude-sonnet-4-5-20250929` → [`claude-sonnet-4-5`, `claude-sonnet-4.5`]; `claude-3-5-haiku-…` → [`claude-3-5-haiku`, `claude-3.5-haiku`]. */
function claudeCandidates(name: string): string[] {
  const bare = name.toLowerCase().replace(/-\d{8}$/, '').replace(/-latest$/, '');
  return [bare, bare.replace(/(\d+)-(\d+)(?=$|-)/, '$1.$2')];
}

export function resolveModel(requested: string | undefined, config: Pick<CopilotConfig, 'model_map' | 'default_model'>, listed: readonly string[]): string {
  const name = (requested ?? '').trim();
  if (!name) return config.default_model;
  const hit = matchPattern(config.model_map, name);
  if (hit) return hit.value;
  if (listed.includes(name)) return name;
  if (!CLAUDE_NAME.test(name)) return name;
  return claudeEquivalent(name, listed) ?? config.default_model;
}

/** The Copilot model for a Claude name: the same version, else the newest of its family; undefined when Copilot lists neither. */
function claudeEquivalent(name: string, listed: readonly string[]): string | undefined {
  const same = claudeCandidates(name).find((c) => listed.includes(c));
  if (same) return same;
  const family = FAMILY.exec(name)?.[1]?.toLowerCase();
  if (!family) return undefined;
  const kin = listed.filter((id) => id.startsWith('claude-') && id.toLowerCase().includes(family));
  return kin.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))[0];
}

export function modelAcceptance(requested: string, config: Pick<CopilotConfig, 'model_map'>, listed: readonly string[]): ModelAcceptance | undefined {
  const name = requested.trim();
  if (name && matchPattern(config.model_map, name)) return 'mapped';
  return CLAUDE_NAME.test(name) && claudeEquivalent(name, listed) ? 'mapped' : undefined;
}

export class CopilotModels {
  private readonly cache = new ModelListCache((signal) => this.fetch(signal));
  lastFetch: ModelsFetch | null = null;

  constructor(private readonly deps: { config: CopilotConfig; tokens: CopilotTokens; dispatcher: CoreServices['httpClient'] }) {}

  /** Ids of the cached list (empty before the first fetch). */
  get ids(): string[] {
    return (this.cache.cached ?? []).map((m) => m.id);
  }

  /** The cached list, else one fetch (failures → empty list: listing never fails a client). */
  list(): Promise<ModelInfo[]> {
    return this.cache.list();
  }

  refresh(signal?: AbortSignal): Promise<ModelInfo[]> {
    return this.cache.refresh(signal);
  }

  private async fetch(signal?: AbortSignal): Promise<ModelInfo[]> {
    const { config, tokens, dispatcher } = this.deps;
    try {
      const { status, models } = await fetchModelList(upstreamClient(dispatcher), {
        url: `${config.api_base_url}/models`,
        headers: editorHeaders(config),
        credential: { source: tokens, apply: (token) => copilotAuth(token, '/models') },
        signal,
        plugin: 'copilot',
        toModel: (m) => ({ id: m.id, ...(typeof m.name === 'string' ? { displayName: m.name } : {}), ownedBy: typeof m.vendor === 'string' ? m.vendor : 'copilot' }),
      });
      this.lastFetch = { ok: true, at: Date.now(), status, count: models.length };
      return models;
    } catch (err) {
      const status = err instanceof UpstreamError ? err.upstreamStatus : undefined;
      this.lastFetch = { ok: false, at: Date.now(), ...(status ? { status } : {}), error: err instanceof Error ? err.message : String(err) };
      throw err;
    }
  }
}
