/**
 * What a provider's account credentials need from the core, the same for every provider that pools
 * accounts: the proxy's environment and data dir, the shared HTTP agent, the logger, where token
 * refreshes are reported, and (`[state] credentials_store = "redis"`) the shared state.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { refreshReporter } from '../auth/refresh-events.js';
import type { RefreshRecord } from '../auth/refresher.js';
import type { EventBus } from '../events.js';
import type { CoreServices } from '../services.js';
import type { StateSettings } from './config.js';
import type { PoolState } from './state.js';

export interface AccountServices {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  httpClient: Dispatcher;
  logger?: Logger;
  /** With `[state] credentials_store = "redis"`, pooled accounts keep their tokens in Redis. */
  state?: { settings: StateSettings; backend: PoolState };
  /** Told each token refresh's outcome (a `credential.refreshed` event). */
  onRefresh?: (record: RefreshRecord) => void;
}

/**
 * From a running plugin's services (refreshes become events) or an auth command's (no event bus).
 * @example const members = await myAccounts(config, accountServices(services, 'my_provider'));
 */
export function accountServices(
  services: Pick<CoreServices, 'env' | 'dataDir' | 'httpClient' | 'logger' | 'settings'> & { state?: PoolState; events?: EventBus },
  provider: string,
): AccountServices {
  return {
    env: services.env,
    dataDir: services.dataDir,
    httpClient: services.httpClient,
    logger: services.logger,
    ...(services.state ? { state: { settings: services.settings.state, backend: services.state } } : {}),
    ...(services.events ? { onRefresh: refreshReporter(services.events, provider) } : {}),
  };
}
