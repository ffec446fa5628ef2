/**
 * Anthropic content blocks → Chat user content parts and `tool` message content.
 *
 * Images become `image_url` parts (base64 as a data URL, url as is). Plain-text documents become
 * text; PDFs become `file` parts (`file_data` data URL). Chat `tool` messages carry text only, so
 * images inside a tool_result are returned separately for the caller to put in a user message.
 */
import type { ConvertOptions } from '../types.js';
import { dataUrl, sourceUrl } from '../shared/data-url.js';
import { markToolError } from '../shared/tool-error.js';
import type { AnthropicBlock } from '../shared/wire.js';
import type { ChatPart } from './wire.js';

/** One user-side block → Chat part, or null (reported) when Chat has no counterpart. */
export function toChatPart(block: AnthropicBlock, opts: ConvertOptions, where: string): ChatPart | null {
  const src = block.source;
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text ?? '' };
    case 'image': {
      const url = sourceUrl(src, 'image/png');
      if (url) return { type: 'image_url', image_url: { url } };
      break;
    }
    case 'document':
      if (src?.type === 'text' && typeof src.data === 'string') return { type: 'text', text: src.data };
      if (src?.type === 'base64' && src.data) {
        return { type: 'file', file: { filename: block.title ?? 'document.pdf', file_data: dataUrl(src.media_type ?? 'application/pdf', src.data) } };
      }
      break;
    default:
      break;
  }
  opts.onDrop?.(`${where}.${block.type}`, 'no Chat content part for this block');
  return null;
}

export interface ToolOutput {
  /** The `tool` message content (text; marked when `is_error`). */
  text: string;
  /** Image parts found in the result, for a user message after the tool messages. */
  images: ChatPart[];
}

/** tool_result content (string or blocks, `is_error`) → tool message text + stray images. */
export function toToolOutput(block: AnthropicBlock, opts: ConvertOptions): ToolOutput {
  const where = 'messages.content.tool_result.content';
  const texts: string[] = [];
  const images: ChatPart[] = [];
  const content = block.content ?? '';
  for (const inner of typeof content === 'string' ? [{ type: 'text', text: content }] : content) {
    const part = toChatPart(inner, opts, where);
    if (part?.type === 'text') texts.push(part.text ?? '');
    else if (part?.type === 'image_url') images.push(part);
    else if (part) opts.onDrop?.(`${where}.${inner.type}`, 'Chat tool messages carry text only');
  }
  const text = texts.join('\n');
  return { text: block.is_error ? markToolError(text) : text, images };
}
