/**
 * Chat Completion → Anthropic Message (the reply to an Anthropic client whose request went to a
 * Chat upstream). Only `choices[0]` is used (the request never asks for more).
 *
 * Block order follows Anthropic's: thinking (from `reasoning_details` with Anthropic signatures,
 * else `reasoning_content`/`reasoning` marked as Chat reasoning, see reasoning.ts), then text (a
 * `refusal` becomes text with stop_reason `refusal`), then tool_use (id = tool call id, input parsed).
 * An OpenAI error body becomes an Anthropic error body.
 */
import { anthropicErrorBody, anthropicUsage, messageId, stopReason } from '../anthropic-to-chat/mapping.js';
import { thinkingFromDetail } from '../anthropic-to-chat/reasoning.js';
import type { ChatMessage, ChatResponse } from '../anthropic-to-chat/wire.js';
import type { ConvertOptions, JsonObject } from '../types.js';
import { anthropicMessage, toolUseBlock } from '../shared/anthropic-message.js';
import { CHAT_REASONING_SIGNATURE } from '../shared/reasoning-signature.js';
import { view } from '../shared/wire.js';
import { partsOf } from './content.js';
import { parseArguments } from './request.js';

export function chatToAnthropicResponse(body: JsonObject, opts: ConvertOptions): JsonObject {
  const res = view<ChatResponse>(body);
  if (res.error) return anthropicErrorBody(res.error);
  const choice = res.choices?.[0];
  const message: ChatMessage = choice?.message ?? { role: 'assistant', content: null };
  if ((res.choices?.length ?? 0) > 1) opts.onDrop?.('choices', 'only the first choice is returned');

  const content = [...thinkingBlocks(message)];
  for (const part of partsOf(message.content)) if (part.text) content.push({ type: 'text', text: part.text });
  const refused = Boolean(message.refusal);
  if (message.refusal) content.push({ type: 'text', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    content.push(toolUseBlock(call.id ?? '', call.function?.name ?? '', parseArguments(call.function?.arguments, opts)));
  }
  const sawToolUse = content.some((b) => b.type === 'tool_use');
  return anthropicMessage({
    id: messageId(res.id),
    model: opts.model ?? res.model ?? '',
    content,
    stopReason: stopReason(choice?.finish_reason, sawToolUse, refused),
    usage: anthropicUsage(res.usage),
  });
}

function thinkingBlocks(message: ChatMessage): JsonObject[] {
  const restored = (message.reasoning_details ?? []).map(thinkingFromDetail).filter((b): b is JsonObject => b !== null);
  if (restored.length) return restored;
  const text = message.reasoning_content ?? message.reasoning;
  return text ? [{ type: 'thinking', thinking: text, signature: CHAT_REASONING_SIGNATURE }] : [];
}
