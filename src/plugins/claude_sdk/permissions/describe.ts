/**
 * What a person, the log and the event bus are told about a tool call waiting for approval: the
 * Bash command, the file path and the size of the change, the URL; never file contents (the
 * person sees the whole input through the permissions API, the log never does).
 */
import { mainArgument } from '../tool-activity.js';

const LIMIT = 300;

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function lineCount(v: unknown): number {
  const s = text(v) ?? '';
  return s === '' ? 0 : s.split('\n').length;
}

function clip(s: string): string {
  return s.length > LIMIT ? `${s.slice(0, LIMIT)}… (${s.length - LIMIT} more characters)` : s;
}

/** One readable, content-free line about a call of `tool` (without the tool's name). */
export function summarize(tool: string, input: Record<string, unknown>): string {
  const target = mainArgument(tool, input) ?? text(input.file_path) ?? text(input.notebook_path);
  switch (tool) {
    case 'Write':
      return `${target} (${lineCount(input.content)} lines, ${Buffer.byteLength(text(input.content) ?? '')} bytes)`;
    case 'Edit':
      return `${target} (replaces ${lineCount(input.old_string)} lines with ${lineCount(input.new_string)}${input.replace_all === true ? ', every occurrence' : ''})`;
    case 'MultiEdit':
      return `${target} (${Array.isArray(input.edits) ? input.edits.length : 0} edits)`;
    case 'NotebookEdit':
      return `${target} (${text(input.edit_mode) ?? 'replace'} a cell)`;
  }
  if (target !== undefined) return clip(target);
  return `{${Object.keys(input).join(', ')}}`;
}
