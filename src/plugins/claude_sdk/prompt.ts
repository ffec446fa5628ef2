/**
 * Turns an Anthropic Messages request into what the CLI takes: one user message (streaming-input
 * mode, so images and documents pass through as content blocks) and the client's system prompt.
 *
 * The CLI cannot be handed a ready-made assistant history, so for a request without a resumable
 * session the earlier turns are rendered as a tagged transcript in a first text block:
 *
 *   <conversation_history>
 *   <turn role="user">…</turn>
 *   <turn role="assistant">…</turn>
 *   </conversation_history>
 *
 * followed by the new user turn (the trailing user messages) as they were. When the request
 * continues a CLI session, the CLI already holds the history and only the new turn is sent.
 */
import { ValidationError } from '../../plugin.js';

export type Block = Record<string, unknown> & { type: string };

interface Message {
  role: string;
  content: string | Block[];
}

export interface SdkPrompt {
  /** Content of the single user message sent to the CLI. */
  content: Block[];
  /** The client's system prompt as plain text ('' when none). */
  system: string;
  /** How many earlier messages were rendered into the transcript. */
  historyMessages: number;
}

const PASS_THROUGH = new Set(['text', 'image', 'document']);

function blocksOf(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (Array.isArray(content)) return content.filter((b): b is Block => typeof b === 'object' && b !== null && typeof (b as Block).type === 'string');
  return [];
}

function textOfToolResult(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocksOf(content)
    .map((b) => (b.type === 'text' ? String(b.text ?? '') : `[${b.type}]`))
    .join('\n');
}

/** One block as transcript text ('' for blocks that carry nothing readable, like thinking). */
export function blockToText(b: Block): string {
  switch (b.type) {
    case 'text':
      return String(b.text ?? '');
    case 'image':
    case 'document':
      return `[${b.type}]`;
    case 'tool_use':
    case 'server_tool_use':
      return `[tool call ${String(b.name)} ${JSON.stringify(b.input ?? {})}]`;
    case 'tool_result':
      return `[tool result${b.is_error ? ' (error)' : ''}: ${textOfToolResult(b.content)}]`;
    case 'thinking':
    case 'redacted_thinking':
      return '';
    default:
      return `[${b.type}]`;
  }
}

export function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  return blocksOf(system)
    .map((b) => (b.type === 'text' ? String(b.text ?? '') : ''))
    .filter(Boolean)
    .join('\n\n');
}

function parseMessages(raw: unknown): Message[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ValidationError('messages: a non-empty array is required', { param: 'messages' });
  return raw.map((m, i) => {
    const role = (m as { role?: unknown })?.role;
    if (typeof role !== 'string') throw new ValidationError(`messages[${i}].role is required`, { param: `messages[${i}].role` });
    return { role, content: blocksOf((m as { content?: unknown }).content) };
  });
}

function renderTranscript(history: Message[]): string {
  const turns = history.map((m) => {
    const text = (m.content as Block[]).map(blockToText).filter(Boolean).join('\n');
    return `<turn role="${m.role}">\n${text}\n</turn>`;
  });
  return `<conversation_history>\nEarlier turns of this conversation, oldest first. Continue from them.\n${turns.join('\n')}\n</conversation_history>`;
}

/** `resumed`: the CLI session already holds the earlier turns, so only the new turn is sent. */
export function buildPrompt(body: Record<string, unknown>, resumed: boolean): SdkPrompt {
  const messages = parseMessages(body.messages);
  let split = messages.length;
  while (split > 0 && messages[split - 1]?.role === 'user') split--;
  const history = messages.slice(0, split);
  const turn = messages.slice(split);
  const content: Block[] = [];
  if (history.length > 0 && !resumed) content.push({ type: 'text', text: renderTranscript(history) });
  for (const m of turn) {
    for (const b of m.content as Block[]) {
      if (PASS_THROUGH.has(b.type)) content.push(b);
      else {
        const text = blockToText(b);
        if (text) content.push({ type: 'text', text });
      }
    }
  }
  if (turn.length === 0) content.push({ type: 'text', text: 'Continue your last reply from where it stopped.' });
  if (content.length === 0) throw new ValidationError('messages: the last user message has no content', { param: 'messages' });
  return { content, system: systemText(body.system), historyMessages: resumed ? 0 : history.length };
}
