/**
 * How the CLI's own tool activity (tool calls it made, results it got) is shown to the client,
 * per `sdk_message_mode`:
 * - `formatted`: a short readable line per call and result, e.g.
 *     `<tool_use name="Bash">touch a.txt && echo hi</tool_use>`
 *     `<tool_result name="Bash">hi</tool_result>`
 * - `forward`: the SDK's block as JSON inside `<sdk_message type="tool_use">…</sdk_message>`, for
 *   clients that want the structure;
 * - `ignore`: nothing; the client only sees the model's text.
 * Results are cut at RESULT_LIMIT characters so a `cat` of a big file does not flood the client.
 */
export type SdkMessageMode = 'formatted' | 'forward' | 'ignore';

type Block = Record<string, unknown> & { type: string };

const RESULT_LIMIT = 4000;

/** The one argument that says what a tool call does, for the common Claude Code tools. */
const MAIN_ARG: Record<string, string> = {
  Bash: 'command',
  Read: 'file_path',
  Write: 'file_path',
  Edit: 'file_path',
  Glob: 'pattern',
  Grep: 'pattern',
  WebFetch: 'url',
  WebSearch: 'query',
  Task: 'description',
  Agent: 'description',
};

/** The argument that says what a call of `name` does (the Bash command, the file path…), if it has one. */
export function mainArgument(name: string, input: unknown): string | undefined {
  const key = MAIN_ARG[name];
  const value = key ? (input as Record<string, unknown> | null | undefined)?.[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function summarizeInput(name: string, input: unknown): string {
  return mainArgument(name, input) ?? JSON.stringify(input ?? {});
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b: Block) => (b?.type === 'text' ? String(b.text ?? '') : `[${String(b?.type)}]`))
    .join('\n');
}

function clip(text: string): string {
  return text.length > RESULT_LIMIT ? `${text.slice(0, RESULT_LIMIT)}… [${text.length - RESULT_LIMIT} more characters]` : text;
}

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

/** Text for one tool_use / tool_result block ('' in `ignore` mode). */
export function formatToolActivity(mode: SdkMessageMode, block: Block, toolNames: Map<string, string>): string {
  if (mode === 'ignore') return '';
  if (mode === 'forward') return `\n<sdk_message type="${escapeAttr(block.type)}">${JSON.stringify(block)}</sdk_message>\n`;
  if (block.type === 'tool_result') {
    const name = toolNames.get(String(block.tool_use_id)) ?? 'tool';
    const tag = block.is_error ? 'tool_error' : 'tool_result';
    return `\n<${tag} name="${escapeAttr(name)}">${clip(resultText(block.content)).trim()}</${tag}>\n`;
  }
  const name = String(block.name ?? 'tool');
  return `\n<tool_use name="${escapeAttr(name)}">${summarizeInput(name, block.input)}</tool_use>\n`;
}
