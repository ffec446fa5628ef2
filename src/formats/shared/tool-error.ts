/**
 * Tool-result errors across formats that have no error flag.
 *
 * Anthropic `tool_result.is_error` has no field in Chat `tool` messages or Responses
 * `function_call_output`, so an error result travels as text starting with {@link TOOL_ERROR_MARKER}
 * on its own line: the model reads it as an error, and the reverse conversion restores `is_error`.
 * Output made of content parts carries the marker in (or as) its first text part.
 */

export const TOOL_ERROR_MARKER = '[tool error]';

/** Prefixes error output with the marker line. */
export function markToolError(text: string): string {
  return text ? `${TOOL_ERROR_MARKER}\n${text}` : TOOL_ERROR_MARKER;
}

/** Splits a marked output back into `is_error` and the original text. */
export function unmarkToolError(text: string): { isError: boolean; text: string } {
  if (text === TOOL_ERROR_MARKER) return { isError: true, text: '' };
  if (text.startsWith(`${TOOL_ERROR_MARKER}\n`)) return { isError: true, text: text.slice(TOOL_ERROR_MARKER.length + 1) };
  return { isError: false, text };
}

/**
 * Content parts whose first part (of type `textType`) starts with the marker → `is_error` and the
 * parts without it; a first part that held only the marker is removed.
 */
export function unmarkToolErrorParts<P extends { type: string; text?: string }>(parts: P[], textType: string): { isError: boolean; parts: P[] } {
  const first = parts[0];
  if (first?.type !== textType) return { isError: false, parts };
  const { isError, text } = unmarkToolError(first.text ?? '');
  if (!isError) return { isError, parts };
  return { isError, parts: text ? [{ ...first, text }, ...parts.slice(1)] : parts.slice(1) };
}
