/**
 * Reading an Anthropic request for an OpenAI upstream (anthropic-to-chat, anthropic-to-responses):
 * the pieces both directions take the same way.
 */
import { createHash } from 'node:crypto';
import type { ConvertOptions, JsonObject } from '../types.js';
import type { AnthropicBlock, AnthropicToolChoice } from './wire.js';
import { view } from './wire.js';
import { stripBillingHeader } from './billing-header.js';

/** Message content as blocks (a string is one text block). */
export function blocksOf(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
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
  const blocks = view<AnthropicBlock[]>(system);
  if (blocks.some((b) => b.cache_control)) opts.onDrop?.('system.cache_control', cacheReason);
  const stripped = stripBillingHeader(blocks);
  if (stripped.changed) opts.onDrop?.('system.x-anthropic-billing-header', 'Anthropic billing attribution line');
  return view<AnthropicBlock[]>(stripped.system).map((b) => b.text ?? '').join('\n');
}

/**
 * `metadata.user_id` → OpenAI `user` / `safety_identifier`, which allow 64 characters; Claude
 * Code's user_id is a longer JSON string, so a long one is sent as its SHA-256 (still stable).
 */
export function openaiUserId(userId: string): string {
  return userId.length <= 64 ? userId : createHash('sha256').update(userId).digest('hex');
}

/**
 * Anthropic `tool_choice` → OpenAI (`required` for any, `none`, `auto`); a forced tool takes the
 * target API's named shape (Chat nests the name under `function`, Responses does not).
 */
export function openaiToolChoice(choice: AnthropicToolChoice, named: (name: string) => JsonObject): unknown {
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return named(choice.name ?? '');
    default:
      return 'auto';
  }
}
