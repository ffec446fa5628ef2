/**
 * Same-format requests whose history carries ANOTHER vendor's reasoning.
 *
 * A client that switched upstreams mid-conversation (Claude Code first on Codex or a Chat
 * upstream, then on Claude; Codex first on Claude, then on ChatGPT) replays reasoning state the new
 * upstream cannot verify: Anthropic rejects an unknown thinking signature, OpenAI rejects foreign
 * `encrypted_content`. Converters already drop it when they change format; these helpers do the
 * same for pass-through (Anthropic → Anthropic, Responses → Responses) so plugins can call them
 * before forwarding. What counts as foreign is any state this proxy minted (every `ccproxy-*`
 * scheme in reasoning-signature.ts): it wraps another vendor's reasoning by construction.
 * Both return the body unchanged (same object) when there is nothing to remove.
 */
import type { ConvertOptions, JsonObject } from '../types.js';
import { isProxyIssued } from './reasoning-signature.js';

interface Block {
  type?: string;
  signature?: string;
  data?: string;
}

function isProxyThinking(block: Block | null): boolean {
  // Client bodies may hold anything (e.g. a null block): never throw on them.
  if (!block || typeof block !== 'object') return false;
  if (block.type === 'thinking') return isProxyIssued(block.signature);
  if (block.type === 'redacted_thinking') return isProxyIssued(block.data);
  return false;
}

/** Anthropic request: removes thinking / redacted_thinking blocks that a Responses or Chat upstream issued. */
export function dropForeignThinking(body: JsonObject, opts: ConvertOptions = {}): JsonObject {
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
  let removed = false;
  const next = messages.flatMap((m) => {
    if (!m || m.role !== 'assistant' || !Array.isArray(m.content)) return [m];
    const kept = (m.content as Block[]).filter((b) => !isProxyThinking(b));
    if (kept.length === m.content.length) return [m];
    removed = true;
    // A turn that was only foreign thinking carries nothing the upstream can use.
    return kept.length ? [{ ...m, content: kept }] : [];
  });
  if (!removed) return body;
  opts.onDrop?.('messages.content.thinking', 'thinking issued by another vendor (Responses or Chat upstream) cannot be verified by Anthropic');
  return { ...body, messages: next };
}

/** Responses request: removes reasoning items whose encrypted_content this proxy minted (Anthropic thinking). */
export function dropForeignReasoning(body: JsonObject, opts: ConvertOptions = {}): JsonObject {
  if (!Array.isArray(body.input)) return body;
  const input = body.input as { type?: string; encrypted_content?: string | null }[];
  const kept = input.filter((i) => !(i?.type === 'reasoning' && isProxyIssued(i.encrypted_content)));
  if (kept.length === input.length) return body;
  opts.onDrop?.('input.reasoning', 'reasoning issued by another vendor (Anthropic upstream) cannot be verified by OpenAI');
  return { ...body, input: kept };
}
