/**
 * Reasoning across the Anthropic ⇄ Chat boundary.
 *
 * Chat has no standard reasoning field. Two conventions exist and both are used:
 *  - `reasoning_content` (DeepSeek, vLLM, LiteLLM; `reasoning` in Ollama/OpenRouter): plain text
 *    that Chat clients display. Anthropic thinking text goes out here.
 *  - `reasoning_details` (OpenRouter): entries that carry Anthropic thinking signatures
 *    (`reasoning.text` + `signature`) and redacted thinking (`reasoning.encrypted` + `data`).
 *    A Chat client that echoes the assistant message back keeps a Claude tool loop with thinking
 *    valid; without it the thinking is dropped (it cannot be verified) and reported via onDrop.
 *
 * The other way, a Chat upstream's `reasoning_content` becomes an Anthropic thinking block whose
 * signature is `CHAT_REASONING_SIGNATURE` (shared/reasoning-signature.ts, with every other marker this
 * proxy mints): no Anthropic upstream would accept it (pass-through drops it), but when the
 * Anthropic client sends it back to a Chat upstream, the text returns as `reasoning_content`
 * (which reasoning models such as DeepSeek's want back during tool loops).
 */
import type { JsonObject } from '../types.js';
import { isChatReasoningSignature, isProxyIssued } from '../shared/reasoning-signature.js';
import type { AnthropicBlock } from '../shared/wire.js';
import type { ReasoningDetail } from './wire.js';

export const ANTHROPIC_REASONING_FORMAT = 'anthropic-claude-v1';

/** Anthropic thinking/redacted_thinking block → reasoning detail, or null for other blocks. */
export function reasoningDetail(block: AnthropicBlock, index: number): JsonObject | null {
  if (block.type === 'thinking') {
    return { type: 'reasoning.text', text: block.thinking ?? '', signature: block.signature ?? '', format: ANTHROPIC_REASONING_FORMAT, index };
  }
  if (block.type === 'redacted_thinking') {
    return { type: 'reasoning.encrypted', data: block.data ?? '', format: ANTHROPIC_REASONING_FORMAT, index };
  }
  return null;
}

/** Reasoning detail → Anthropic block, or null when it holds nothing Anthropic can verify. */
export function thinkingFromDetail(detail: ReasoningDetail): JsonObject | null {
  if (detail.format !== undefined && detail.format !== ANTHROPIC_REASONING_FORMAT) return null;
  if (detail.type === 'reasoning.text' && detail.signature && !isProxyIssued(detail.signature)) {
    return { type: 'thinking', thinking: detail.text ?? '', signature: detail.signature };
  }
  if (detail.type === 'reasoning.encrypted' && detail.data && !isProxyIssued(detail.data)) return { type: 'redacted_thinking', data: detail.data };
  return null;
}

/** Whether a thinking block came from a Chat upstream (its text may go back as reasoning_content). */
export function isChatReasoning(block: AnthropicBlock): boolean {
  return block.type === 'thinking' && isChatReasoningSignature(block.signature);
}
