/**
 * Carries reasoning state across the Anthropic ⇄ Responses boundary without loss.
 *
 * Multi-turn reasoning only stays valid when the upstream gets back exactly what it produced:
 * an Anthropic upstream needs its thinking `signature` (or `redacted_thinking.data`), a Responses
 * upstream running with `store: false` needs the reasoning item's `id` and `encrypted_content`.
 * The client of the other API keeps these opaque strings for us, so we wrap them with a marker
 * that says where they came from:
 *
 *  - Responses reasoning item → Anthropic thinking `signature`:  `ccproxy-rs1:<item id>:<encrypted_content>`
 *  - Anthropic thinking signature → Responses `encrypted_content`: `ccproxy-at1:<signature>`
 *  - Anthropic redacted_thinking data → Responses `encrypted_content`: `ccproxy-ar1:<data>`
 *
 * Reasoning item ids never contain `:` (`rs_…`), so the first `:` after the marker splits id and
 * content; `encrypted_content` may contain anything. A string without a marker came from the
 * other vendor (or an older proxy) and cannot be verified by this upstream: callers drop it.
 */

const RESPONSES_MARK = 'ccproxy-rs1:';
const THINKING_MARK = 'ccproxy-at1:';
const REDACTED_MARK = 'ccproxy-ar1:';

export interface ResponsesReasoningRef {
  /** The reasoning item id (`rs_…`); empty when the upstream gave none. */
  id: string;
  /** `encrypted_content`, or null when the upstream did not return it (e.g. `store: true`). */
  encryptedContent: string | null;
}

/** Responses reasoning item → Anthropic thinking signature. */
export function encodeResponsesReasoning(ref: ResponsesReasoningRef): string {
  return `${RESPONSES_MARK}${ref.id}:${ref.encryptedContent ?? ''}`;
}

/** Anthropic thinking signature → Responses reasoning reference, or null if not ours. */
export function decodeResponsesReasoning(signature: string): ResponsesReasoningRef | null {
  if (!signature.startsWith(RESPONSES_MARK)) return null;
  const rest = signature.slice(RESPONSES_MARK.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return null;
  const encrypted = rest.slice(colon + 1);
  return { id: rest.slice(0, colon), encryptedContent: encrypted === '' ? null : encrypted };
}

export type AnthropicReasoning =
  | { kind: 'thinking'; signature: string }
  | { kind: 'redacted'; data: string };

/** Anthropic thinking signature / redacted data → Responses `encrypted_content`. */
export function encodeAnthropicReasoning(r: AnthropicReasoning): string {
  return r.kind === 'thinking' ? `${THINKING_MARK}${r.signature}` : `${REDACTED_MARK}${r.data}`;
}

/** Responses `encrypted_content` → Anthropic thinking/redacted state, or null if not ours. */
export function decodeAnthropicReasoning(encrypted: string): AnthropicReasoning | null {
  if (encrypted.startsWith(THINKING_MARK)) return { kind: 'thinking', signature: encrypted.slice(THINKING_MARK.length) };
  if (encrypted.startsWith(REDACTED_MARK)) return { kind: 'redacted', data: encrypted.slice(REDACTED_MARK.length) };
  return null;
}
