/**
 * Every `ccproxy-*` reasoning marker, in one place: how reasoning state crosses vendor boundaries
 * without loss, and how any converter or pass-through recognizes state this proxy minted.
 *
 * Multi-turn reasoning only stays valid when the upstream gets back exactly what it produced:
 * an Anthropic upstream needs its thinking `signature` (or `redacted_thinking.data`), a Responses
 * upstream running with `store: false` needs the reasoning item's `id` and `encrypted_content`.
 * The client of the other API keeps these opaque strings for us, so we wrap them with a marker
 * that says where they came from:
 *
 *  - Responses reasoning item → Anthropic thinking `signature`:  `ccproxy-rs1:<item id>:<encrypted_content>`
 *  - Chat `reasoning_content` → Anthropic thinking `signature`:   `ccproxy-cr1:` (no payload: the
 *    text itself is the state; it goes back to a Chat upstream as `reasoning_content`)
 *  - Anthropic thinking signature → Responses `encrypted_content`: `ccproxy-at1:<signature>`
 *  - Anthropic redacted_thinking data → Responses `encrypted_content`: `ccproxy-ar1:<data>`
 *
 * All markers start with {@link PROXY_MARK}; no vendor's own signature or encrypted content does
 * (Anthropic's are base64, OpenAI's `gAAAA…`). So a marked string is never verifiable by the
 * vendor it is sent to unchanged: pass-through and converters drop it or unwrap it.
 * Reasoning item ids never contain `:` (`rs_…`), so the first `:` after the marker splits id and
 * content; `encrypted_content` may contain anything.
 */

/** The prefix every marker this proxy mints starts with. */
export const PROXY_MARK = 'ccproxy-';
const RESPONSES_MARK = `${PROXY_MARK}rs1:`;
/** The whole signature of a thinking block made from a Chat upstream's reasoning text. */
export const CHAT_REASONING_SIGNATURE = `${PROXY_MARK}cr1:`;
const THINKING_MARK = `${PROXY_MARK}at1:`;
const REDACTED_MARK = `${PROXY_MARK}ar1:`;

/**
 * Whether a signature / redacted data / encrypted_content was minted by this proxy (any scheme
 * above, including future ones), i.e. it wraps another vendor's reasoning and the vendor it is
 * sent to as is cannot verify it.
 */
export function isProxyIssued(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.startsWith(PROXY_MARK);
}

/** Whether an Anthropic thinking signature stands for a Chat upstream's reasoning text. */
export function isChatReasoningSignature(signature: string | null | undefined): boolean {
  return typeof signature === 'string' && signature.startsWith(CHAT_REASONING_SIGNATURE);
}

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
