/**
 * Anthropic content blocks → Responses input content parts (user side) and tool outputs.
 *
 * Images become `input_image` with a data URL or the original URL; PDFs become `input_file`
 * (`file_data` data URL or `file_url`); plain-text documents become `input_text`.
 * A tool_result's `is_error` has no Responses field, so it travels as a leading marker line
 * (shared/tool-error.ts) that the model reads and the reverse direction strips again.
 */
import type { ConvertOptions } from '../types.js';
import { dataUrl, sourceUrl } from '../shared/data-url.js';
import { markToolError, TOOL_ERROR_MARKER } from '../shared/tool-error.js';
import type { AnthropicBlock } from '../shared/wire.js';
import type { ResponsesContentPart } from './wire.js';

/** One user-side Anthropic block → Responses input part, or null when it has no counterpart. */
export function toInputPart(block: AnthropicBlock, opts: ConvertOptions, where: string): ResponsesContentPart | null {
  const src = block.source;
  switch (block.type) {
    case 'text':
      return { type: 'input_text', text: block.text ?? '' };
    case 'image': {
      const url = sourceUrl(src, 'image/png');
      if (url) return { type: 'input_image', image_url: url, detail: 'auto' };
      if (src?.type === 'file' && src.file_id) return { type: 'input_image', file_id: src.file_id, detail: 'auto' };
      break;
    }
    case 'document':
      if (src?.type === 'base64' && src.data) {
        const mediaType = src.media_type ?? 'application/pdf';
        return { type: 'input_file', filename: block.title ?? 'document.pdf', file_data: dataUrl(mediaType, src.data) };
      }
      if (src?.type === 'url' && src.url) return { type: 'input_file', file_url: src.url };
      if (src?.type === 'text' && typeof src.data === 'string') return { type: 'input_text', text: src.data };
      if (src?.type === 'file' && src.file_id) return { type: 'input_file', file_id: src.file_id };
      break;
    default:
      break;
  }
  opts.onDrop?.(`${where}.${block.type}`, 'no Responses input counterpart for this content block');
  return null;
}

/** tool_result content (string or blocks, `is_error`) → function_call_output `output`. */
export function toToolOutput(block: AnthropicBlock, opts: ConvertOptions): string | ResponsesContentPart[] {
  const content = block.content;
  if (content === undefined || typeof content === 'string') {
    const text = content ?? '';
    return block.is_error ? markToolError(text) : text;
  }
  const parts: ResponsesContentPart[] = [];
  if (block.is_error) parts.push({ type: 'input_text', text: TOOL_ERROR_MARKER });
  for (const inner of content) {
    const part = toInputPart(inner, opts, 'messages.content.tool_result.content');
    if (part) parts.push(part);
  }
  return parts;
}
