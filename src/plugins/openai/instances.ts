/**
 * One openai instance = settings + keys (a pool of one or more) + model catalog + adapter. The
 * default instance is named `openai` and served at `/openai`; `[plugins.openai.providers.<name>]`
 * ones are `openai.<name>` at `/openai/<name>`.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { accountPool, DEFAULT_ACCOUNT, type AccountPool, type PoolMember, type PoolServices } from '../../plugin.js';
import { OpenAIAdapter } from './adapter.js';
import { DEFAULT_BASE_URL, isLocalUrl, keyAccounts, resolveApiKey, type InstanceSettings, type OpenAIConfig } from './config.js';
import { ModelCatalog } from './models.js';

export const PLUGIN_NAME = 'openai';

/** A key, read when used (`api_key_env` may change in a long-running proxy's environment). */
export type KeySource = () => string | undefined;

export interface Instance {
  /** `openai` or `openai.<name>`. */
  provider: string;
  /** URL segment under `/openai` ('' for the default instance). */
  segment: string;
  settings: InstanceSettings;
  /** Has a key, or points somewhere else than the OpenAI default (e.g. a local server). */
  configured: boolean;
  /** The first key: model list probes and health use it. */
  apiKey: KeySource;
  /** Every key of the instance (one in a plain setup). */
  pool: AccountPool<KeySource>;
  catalog: ModelCatalog;
  adapter: OpenAIAdapter;
}

export function buildInstances(config: OpenAIConfig, dispatcher: Dispatcher, logger: Logger, env: NodeJS.ProcessEnv, services: PoolServices): Instance[] {
  const { providers, enabled: _enabled, priority: _priority, ...defaults } = config;
  const entries: Array<[string, InstanceSettings]> = [['', defaults], ...Object.entries(providers)];
  return entries.map(([segment, settings]) => {
    const provider = segment ? `${PLUGIN_NAME}.${segment}` : PLUGIN_NAME;
    const pool = accountPool(services, provider, keyMembers(settings, env), settings.strategy);
    const apiKey = pool.members[0]!.value;
    const catalog = new ModelCatalog({ provider, settings, apiKey, dispatcher });
    const adapter = new OpenAIAdapter({ provider, settings, pool, catalog, dispatcher, logger: logger.child({ provider }) });
    const configured = Boolean(apiKey()) || settings.base_url !== DEFAULT_BASE_URL || isLocalUrl(settings.base_url);
    return { provider, segment, settings, configured, apiKey, pool, catalog, adapter };
  });
}

/**
 * The keys of one instance: without `api_keys`, the single key of a plain setup (`default`, maybe
 * none for a local server); with them, `api_key` / `api_key_env` (when it holds a key) as `default`
 * and then every enabled entry.
 */
function keyMembers(settings: InstanceSettings, env: NodeJS.ProcessEnv): Array<PoolMember<KeySource>> {
  const single: PoolMember<KeySource> = { name: DEFAULT_ACCOUNT, weight: 1, value: () => resolveApiKey(settings, env) };
  if (settings.api_keys.length === 0) return [single];
  const listed = keyAccounts(settings.api_keys).filter((k) => k.enabled).map((k) => ({ name: k.name, weight: k.weight, value: () => k.api_key }));
  const members = single.value() ? [single, ...listed] : listed;
  // Every listed key disabled: the instance runs as a plain one (health says the key is missing).
  return members.length ? members : [single];
}
