/**
 * One openai instance = settings + key + model catalog + adapter. The default instance is named
 * `openai` and served at `/openai`; `[plugins.openai.providers.<name>]` ones are `openai.<name>`
 * at `/openai/<name>`.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { OpenAIAdapter } from './adapter.js';
import { DEFAULT_BASE_URL, isLocalUrl, resolveApiKey, type InstanceSettings, type OpenAIConfig } from './config.js';
import { ModelCatalog } from './models.js';

export const PLUGIN_NAME = 'openai';

export interface Instance {
  /** `openai` or `openai.<name>`. */
  provider: string;
  /** URL segment under `/openai` ('' for the default instance). */
  segment: string;
  settings: InstanceSettings;
  /** Has a key, or points somewhere else than the OpenAI default (e.g. a local server). */
  configured: boolean;
  apiKey: () => string | undefined;
  catalog: ModelCatalog;
  adapter: OpenAIAdapter;
}

export function buildInstances(config: OpenAIConfig, dispatcher: Dispatcher, logger: Logger, env: NodeJS.ProcessEnv = process.env): Instance[] {
  const { providers, enabled: _enabled, priority: _priority, ...defaults } = config;
  const entries: Array<[string, InstanceSettings]> = [['', defaults], ...Object.entries(providers)];
  return entries.map(([segment, settings]) => {
    const provider = segment ? `${PLUGIN_NAME}.${segment}` : PLUGIN_NAME;
    // Read per call: a key rotated in the environment of a long-running proxy is picked up.
    const apiKey = (): string | undefined => resolveApiKey(settings, env);
    const catalog = new ModelCatalog({ provider, settings, apiKey, dispatcher });
    const adapter = new OpenAIAdapter({ provider, settings, apiKey, catalog, dispatcher, logger: logger.child({ provider }) });
    const configured = Boolean(apiKey()) || settings.base_url !== DEFAULT_BASE_URL || isLocalUrl(settings.base_url);
    return { provider, segment, settings, configured, apiKey, catalog, adapter };
  });
}
