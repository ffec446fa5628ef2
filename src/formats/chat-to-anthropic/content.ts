/**
 * Chat content (string or parts) → Anthropic content blocks.
 *
 * `image_url` data URLs become base64 image sources, other URLs url sources; `file` parts with
 * PDF `file_data` become documents. Audio and file ids have no Anthropic counterpart. Empty text
 * is skipped because Anthropic rejects empty text blocks.
 */
import type { ChatPart } from '../anthropic-to-chat/wire.js';
import type { ConvertOptions, JsonObject } from '../types.js';
import { anthropicSource, parseDataUrl } from '../shared/data-url.js';
import { unmarkToolErrorParts } from '../shared/tool-error.js';

export function partsOf(content: string | ChatPart[] | null | undefined): ChatPart[] {
  if (content === null || content === undefined) return [];
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

export function textOf(content: string | ChatPart[] | null | undefined): string {
  return partsOf(content)
    .map((p) => p.text ?? p.refusal ?? '')
    .join('\n');
}

/** One Chat part → Anthropic block, or null (reported when it is not just empty text). */
export function toBlock(part: ChatPart, opts: ConvertOptions, where: string): JsonObject | null {
  switch (part.type) {
    case 'text':
      return part.text ? { type: 'text', text: part.text } : null;
    case 'image_url': {
      const url = part.image_url?.url ?? '';
      if (url) return { type: 'image', source: anthropicSource(url) };
      break;
    }
    case 'file': {
      const data = parseDataUrl(part.file?.file_data ?? '');
      if (data) {
        const block: JsonObject = { type: 'document', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
        if (part.file?.filename) block.title = part.file.filename;
        return block;
      }
      break;
    }
    default:
      break;
  }
  opts.onDrop?.(`${where}.${part.type}`, 'no Anthropic content block for this part');
  return null;
}

/** A `tool` message → Anthropic tool_result (error marker restored to `is_error`). */
export function toToolResult(toolCallId: string, content: string | ChatPart[] | null | undefined, opts: ConvertOptions): JsonObject {
  const { isError, parts } = unmarkToolErrorParts(partsOf(content), 'text');
  const blocks = parts.map((p) => toBlock(p, opts, 'messages.tool.content')).filter((b): b is JsonObject => b !== null);
  const result: JsonObject = { type: 'tool_result', tool_use_id: toolCallId };
  // A single text stays a string, the shape Anthropic clients send most.
  const only = blocks.length === 1 && blocks[0]?.type === 'text' ? blocks[0] : null;
  if (only) result.content = only.text;
  else if (blocks.length) result.content = blocks;
  else result.content = '';
  if (isError) result.is_error = true;
  return result;
}
