/** Model names for the OpenAI routes (`model_map` globs) and the `/v1/models` list. */
import type { ModelAcceptance, ModelInfo } from '../../plugin.js';
import type { ClaudeApiConfig } from './config.js';

/**
 * Client model → Claude model: an exact `model_map` key, else the first matching glob, else a
 * Claude name as it is, else `default_model`.
 */
export function mapModel(requested: unknown, config: Pick<ClaudeApiConfig, 'model_map' | 'default_model'>): string {
  const name = typeof requested === 'string' ? requested.trim() : '';
  const entries = Object.entries(config.model_map);
  const exact = entries.find(([k]) => k === name);
  if (exact) return exact[1];
  if (/^claude-/i.test(name)) return name;
  const glob = entries.find(([k]) => k.includes('*') && globToRegExp(k).test(name));
  return glob ? glob[1] : config.default_model;
}

/** How claude_api takes a model it does not list: a Claude name, or one its model_map maps. */
export function modelAcceptance(requested: string, config: Pick<ClaudeApiConfig, 'model_map'>): ModelAcceptance | undefined {
  const name = requested.trim();
  const entries = Object.entries(config.model_map);
  if (entries.some(([k]) => k === name)) return 'mapped';
  if (/^claude-/i.test(name)) return 'native';
  return entries.some(([k]) => k.includes('*') && globToRegExp(k).test(name)) ? 'mapped' : undefined;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
}

export function listModels(config: Pick<ClaudeApiConfig, 'models'>): ModelInfo[] {
  // A fixed date keeps the list stable across restarts (clients cache it).
  const created = Math.floor(Date.UTC(2025, 0, 1) / 1000);
  return config.models.map((id) => ({ id, created, ownedBy: 'anthropic', displayName: displayName(id) }));
}

function displayName(id: string): string {
  const m = /^claude-(opus|sonnet|haiku)-(\d+)-(\d+)/.exec(id);
  if (!m) return id;
  return `Claude ${m[1]![0]!.toUpperCase()}${m[1]!.slice(1)} ${m[2]}.${m[3]}`;
}
