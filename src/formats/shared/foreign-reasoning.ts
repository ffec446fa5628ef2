/**
 * Same-format requests whose history carries the OTHER vendor's reasoning.
 *
 * A client that switched upstreams mid-conversation (Claude Code first on Codex, then on Claude;
 * Codex first on Claude, then on ChatGPT) replays reasoning state the new upstream cannot verify:
 * Anthropic rejects an unknown thinking signature, OpenAI rejects foreign `encrypted_content`.
 * Converters already drop it when they change format; these helpers do the same for pass-through
 * (Anthropic → Anthropic, Responses → Responses) so plugins can call them before forwarding.
 * Both return the body unchanged (same object) when there is nothing to remove.
 */
import type { ConvertOptions, JsonObject } from '../convert.js';
import { decodeAnthropicReasoning, decodeResponsesReasoning } from './reasoning-signature.js';

interface Block {
  type?: string;
  signature?: string;
  data?: string;
}

function isResponsesIssued(block: Block): boolean {
  if (block.type === 'thinking') return decodeResponsesReasoning(block.signature ?? '') !== null;
  if (block.type === 'redacted_thinking') return decodeResponsesReasoning(block.data ?? '') !== null;
  return false;
}

/** Anthropic request: removes thinking / redacted_thinking blocks that a Responses upstream issued. */
export function dropForeignThinking(body: JsonObject, opts: ConvertOptions = {}): JsonObject {
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
  let removed = false;
  const next = messages.flatMap((m) => {
    if (m.role !== 'assistant' || !Array.isArray(m.content)) return [m];
    const kept = (m.content as Block[]).filter((b) => !isResponsesIssued(b));
    if (kept.length === m.content.length) return [m];
    removed = true;
    // A turn that was only foreign thinking carries nothing the upstream can use.
    return kept.length ? [{ ...m, content: kept }] : [];
  });
  if (!removed) return body;
  opts.onDrop?.('messages.content.thinking', 'thinking issued by a Responses upstream cannot be verified by Anthropic');
  return { ...body, messages: next };
}

/** Responses request: removes reasoning items whose encrypted_content wraps Anthropic thinking. */
export function dropForeignReasoning(body: JsonObject, opts: ConvertOptions = {}): JsonObject {
  if (!Array.isArray(body.input)) return body;
  const input = body.input as { type?: string; encrypted_content?: string | null }[];
  const kept = input.filter((i) => !(i.type === 'reasoning' && decodeAnthropicReasoning(i.encrypted_content ?? '') !== null));
  if (kept.length === input.length) return body;
  opts.onDrop?.('input.reasoning', 'reasoning issued by an Anthropic upstream cannot be verified by OpenAI');
  return { ...body, input: kept };
}
