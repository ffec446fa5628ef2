/**
 * Reading an Anthropic request for an OpenAI upstream (anthropic-to-chat, anthropic-to-responses):
 * the pieces both directions take the same way.
 */
import { createHash } from 'node:crypto';
import type { ConvertOptions } from '../convert.js';
import type { AnthropicBlock } from './wire.js';
import { view } from './wire.js';

/** Message content as blocks (a string is one text block). */
export function blocksOf(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function isBillingHeader(block: AnthropicBlock): boolean {
  return block.type === 'text' && (block.text ?? '').startsWith('x-anthropic-billing-header:');
}

/**
 * `system` (string or text blocks, joined with "\n") → one text. `cache_control` is reported with
 * `cacheReason` (OpenAI upstreams cache prompt prefixes on their own). Claude Code's per-build
 * `x-anthropic-billing-header` line is removed: it means nothing to another vendor and would make
 * the prompt prefix vary, defeating the upstream's prompt cache.
 */
export function systemText(system: unknown, opts: ConvertOptions, cacheReason: string): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  let blocks = view<AnthropicBlock[]>(system);
  if (blocks.some((b) => b.cache_control)) opts.onDrop?.('system.cache_control', cacheReason);
  if (blocks.some(isBillingHeader)) {
    opts.onDrop?.('system.x-anthropic-billing-header', 'Anthropic billing attribution line');
    blocks = blocks.filter((b) => !isBillingHeader(b));
  }
  return blocks.map((b) => b.text ?? '').join('\n');
}

/**
 * `metadata.user_id` → OpenAI `user` / `safety_identifier`, which allow 64 characters; Claude
 * Code's user_id is a longer JSON string, so a long one is sent as its SHA-256 (still stable).
 */
export function openaiUserId(userId: string): string {
  return userId.length <= 64 ? userId : createHash('sha256').update(userId).digest('hex');
}
