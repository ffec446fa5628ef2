/**
 * Responses reasoning items across the Chat boundary.
 *
 * Chat has no reasoning field of its own. A Responses upstream's reasoning reaches a Chat client
 * twice: its summary as `reasoning_content` text (what Chat clients display) and, losslessly, as
 * OpenRouter-style `reasoning_details` entries tagged `format: "openai-responses-v1"` — the item id,
 * summary and `encrypted_content`. A Chat client that echoes the assistant message back (as it does
 * in a tool loop) thereby returns the encrypted reasoning, which the Chat → Responses request
 * converter turns back into the reasoning item, so multi-turn reasoning stays valid with
 * `store: false`. Entries of other formats (e.g. Anthropic signatures) are left to their owners.
 */
import type { JsonObject } from '../types.js';
import { joinText } from './mapping.js';

export const RESPONSES_REASONING_FORMAT = 'openai-responses-v1';

export interface ReasoningDetail {
  type: string;
  id?: string;
  format?: string;
  index?: number;
  summary?: string;
  data?: string;
}

/** One Responses reasoning item → its reasoning_details entries (summary, then encrypted state). */
export function reasoningDetails(item: JsonObject, index: number): ReasoningDetail[] {
  const id = typeof item.id === 'string' ? item.id : undefined;
  const base = { ...(id ? { id } : {}), format: RESPONSES_REASONING_FORMAT, index };
  const out: ReasoningDetail[] = [];
  const summary = joinText(item.summary);
  if (summary) out.push({ type: 'reasoning.summary', summary, ...base });
  if (typeof item.encrypted_content === 'string' && item.encrypted_content) {
    out.push({ type: 'reasoning.encrypted', data: item.encrypted_content, ...base });
  }
  return out;
}

/** reasoning_details entries of our format → Responses reasoning input items (grouped by index). */
export function reasoningItems(details: unknown): JsonObject[] {
  if (!Array.isArray(details)) return [];
  const byIndex = new Map<number, JsonObject>();
  for (const d of details as ReasoningDetail[]) {
    if (d?.format !== RESPONSES_REASONING_FORMAT) continue;
    const index = typeof d.index === 'number' ? d.index : byIndex.size;
    const item = byIndex.get(index) ?? { type: 'reasoning', ...(d.id ? { id: d.id } : {}), summary: [] as JsonObject[] };
    byIndex.set(index, item);
    if (d.type === 'reasoning.summary' && d.summary) (item.summary as JsonObject[]).push({ type: 'summary_text', text: d.summary });
    if (d.type === 'reasoning.encrypted' && d.data) item.encrypted_content = d.data;
  }
  // A summary alone cannot be replayed (the API needs the id from a stored response or the
  // encrypted state), so only items with encrypted content go back upstream.
  return [...byIndex.values()].filter((item) => typeof item.encrypted_content === 'string');
}
