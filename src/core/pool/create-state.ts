/** The `[state]` backend the settings ask for. */
import type { Logger } from 'pino';
import type { StateSettings } from './config.js';
import { RedisPoolState } from './redis-state.js';
import { MemoryPoolState, type PoolState } from './state.js';

export function createPoolState(settings: StateSettings, logger?: Pick<Logger, 'info' | 'warn'>): PoolState {
  if (settings.backend === 'redis') return new RedisPoolState({ url: settings.redis_url, prefix: settings.key_prefix, logger });
  return new MemoryPoolState();
}
