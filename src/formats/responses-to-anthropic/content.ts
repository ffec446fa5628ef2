/**
 * Responses content parts → Anthropic content blocks (user side, assistant text, tool outputs).
 * Data URLs become base64 sources, other URLs url sources; `input_file` becomes a `document`.
 * Tool outputs recognise the `[tool error]` marker the other direction writes for `is_error`.
 */
import type { ResponsesContentPart } from '../anthropic-to-responses/wire.js';
import type { ConvertOptions, JsonObject } from '../types.js';
import { anthropicSource, parseDataUrl } from '../shared/data-url.js';
import { unmarkToolError, unmarkToolErrorParts } from '../shared/tool-error.js';

/** One Responses content part → Anthropic block, or null (reported through onDrop). */
export function toBlock(part: ResponsesContentPart, opts: ConvertOptions, where: string): JsonObject | null {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text ?? '' };
    case 'refusal':
      return { type: 'text', text: part.refusal ?? '' };
    case 'input_image':
      if (part.image_url) return { type: 'image', source: anthropicSource(part.image_url) };
      if (part.file_id) return { type: 'image', source: { type: 'file', file_id: part.file_id } };
      break;
    case 'input_file': {
      const doc: JsonObject = { type: 'document' };
      if (part.file_data) doc.source = anthropicSource(part.file_data);
      else if (part.file_url) doc.source = { type: 'url', url: part.file_url };
      else if (part.file_id) doc.source = { type: 'file', file_id: part.file_id };
      else break;
      // A bare base64 payload (no data: prefix) is what the Responses API also accepts.
      if (part.file_data && !parseDataUrl(part.file_data)) doc.source = { type: 'base64', media_type: 'application/pdf', data: part.file_data };
      if (part.filename && part.filename !== 'document.pdf') doc.title = part.filename;
      return doc;
    }
    default:
      break;
  }
  opts.onDrop?.(`${where}.${part.type}`, 'no Anthropic counterpart for this content part');
  return null;
}

/** function_call_output / custom_tool_call_output `output` → tool_result block. */
export function toToolResult(callId: string, output: string | ResponsesContentPart[] | undefined, opts: ConvertOptions): JsonObject {
  const block: JsonObject = { type: 'tool_result', tool_use_id: callId };
  if (output === undefined || typeof output === 'string') {
    const { isError, text } = unmarkToolError(output ?? '');
    block.content = text;
    if (isError) block.is_error = true;
    return block;
  }
  const { isError, parts } = unmarkToolErrorParts(output, 'input_text');
  if (isError) block.is_error = true;
  block.content = parts.map((p) => toBlock(p, opts, 'input.function_call_output.output')).filter((b): b is JsonObject => b !== null);
  return block;
}
