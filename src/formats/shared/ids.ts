/**
 * Reply ids across formats: the same suffix under each API's prefix (`msg_abc` ⇄ `chatcmpl-abc` ⇄
 * `resp_abc`), so an id seen by a client maps back to the upstream's in logs, in both directions.
 */
import type { ApiFormat } from '../types.js';

const PREFIX: Record<ApiFormat, string> = { anthropic: 'msg_', chat: 'chatcmpl-', responses: 'resp_' };

/** A reply id of format `from` → the id in format `to` (missing ids become `<prefix>unknown`). */
export function convertId(id: string | null | undefined, from: ApiFormat, to: ApiFormat): string {
  const suffix = id ? (id.startsWith(PREFIX[from]) ? id.slice(PREFIX[from].length) : id) : 'unknown';
  return `${PREFIX[to]}${suffix}`;
}
