/**
 * Anthropic Message → Chat Completion (the reply to a Chat client whose request went to an
 * Anthropic upstream).
 *
 * Text blocks are concatenated into `content`; tool_use → `tool_calls` (id kept, input
 * re-serialized); thinking → `reasoning_content` (text, blocks joined by a blank line) plus
 * `reasoning_details` carrying the signatures (see reasoning.ts); server tool blocks are dropped.
 * An Anthropic error body becomes an OpenAI error body.
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import { view } from '../shared/wire.js';
import type { AnthropicResponse } from '../shared/wire.js';
import { chatId, chatUsage, finishReason, openaiErrorBody } from './mapping.js';
import { reasoningDetail } from './reasoning.js';

export function anthropicToChatResponse(body: JsonObject, opts: ConvertOptions): JsonObject {
  const res = view<AnthropicResponse>(body);
  if (res.type === 'error') return openaiErrorBody(res.error);
  const texts: string[] = [];
  const thinking: string[] = [];
  const details: JsonObject[] = [];
  const toolCalls: JsonObject[] = [];
  for (const block of res.content ?? []) {
    switch (block.type) {
      case 'text':
        texts.push(block.text ?? '');
        break;
      case 'tool_use':
        toolCalls.push({ id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) } });
        break;
      case 'thinking':
      case 'redacted_thinking': {
        if (block.type === 'thinking') thinking.push(block.thinking ?? '');
        details.push(reasoningDetail(block, details.length) as JsonObject);
        break;
      }
      default:
        opts.onDrop?.(`content.${block.type}`, 'no Chat counterpart for this content block');
    }
  }
  const message: JsonObject = { role: 'assistant', content: texts.length ? texts.join('') : null, refusal: null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (thinking.length) message.reasoning_content = thinking.join('\n\n');
  if (details.length) message.reasoning_details = details;
  return {
    id: chatId(res.id),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: opts.model ?? res.model ?? '',
    choices: [{ index: 0, message, finish_reason: finishReason(res.stop_reason), logprobs: null }],
    usage: chatUsage(res.usage),
  };
}
