/**
 * The `onRefresh` a provider gives its TokenRefresher so every refresh, good or failed, becomes a
 * `credential.refreshed` event (the metrics plugin counts them by provider and result).
 */
import type { EventBus } from '../events.js';
import type { RefreshRecord } from './refresher.js';

export function refreshReporter(events: EventBus, provider: string): (record: RefreshRecord) => void {
  return (record) => events.emit('credential.refreshed', { timestamp: record.at, provider, ok: record.ok, durationMs: record.durationMs });
}
