/**
 * The few edits an Anthropic Messages body needs before it goes upstream, as changes of top-level
 * values: the passthrough route sends the client's bytes with exactly those values replaced
 * (JsonBody.with), or untouched when nothing had to change; the Chat/Responses bridge applies them
 * to the converted object. Parts no edit can apply to are never parsed (JsonBody.mentions):
 *
 * 1. Strip `x-anthropic-billing-header:` lines from system text (Claude Code puts per-version /
 *    per-request values there; a changing line in the cached prefix defeats prompt caching).
 * 2. OAuth only: the subscription tokens are accepted for Claude Code traffic, so the system
 *    prompt must open with a Claude Code identity. "Already starts with it" means: the first
 *    system text block, after step 1 and leading whitespace, starts with one of the known
 *    identity sentences — Claude Code's ("You are Claude Code, Anthropic's official CLI for
 *    Claude.", also its Agent SDK variant) or the Agent SDK's ("You are a Claude agent, built on
 *    Anthropic's Claude Agent SDK.", what `claude -p` 2.1.331 sends) — or with the first system
 *    block the detected CLI sends. Otherwise the identity (minimal) or the detected CLI system
 *    prompt (full) is prepended as plain blocks: no cache_control added, nothing random, so the
 *    prefix stays cacheable and the breakpoint count does not grow.
 * 3. Drop thinking blocks this proxy minted from another vendor's reasoning (a client that was on
 *    Codex or a Chat upstream earlier in the conversation replays them; Anthropic would reject
 *    their signatures with a 400).
 * 4. Keep at most N `cache_control` breakpoints (the API rejects more than 4): the earliest
 *    message-level ones go first, so the stable tools/system breakpoints and the newest
 *    conversation breakpoint survive.
 */
import { invalidField, jsonTypeOf, dropForeignThinking, stripBillingHeader } from '../../plugin.js';

export type JsonObject = Record<string, unknown>;
export interface TextBlock {
  type: 'text';
  text: string;
  [k: string]: unknown;
}

export const CLAUDE_CODE_IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";

export const KNOWN_IDENTITIES: readonly string[] = [
  CLAUDE_CODE_IDENTITY,
  "You are Claude Code, Anthropic's official CLI for Claude, running within the Claude Agent SDK.",
  "You are a Claude agent, built on Anthropic's Claude Agent SDK.",
];

export interface PrepareOptions {
  /** Identity injection applies to OAuth only. */
  injection: 'minimal' | 'full' | 'none';
  /** Detected CLI system prompt blocks (used by `full`, and its first block counts as an identity). */
  detectedSystem?: TextBlock[];
  maxBreakpoints: number;
}

export interface PreparedBody {
  body: JsonObject;
  /** False when `body` is the input object untouched (send the raw bytes). */
  changed: boolean;
  /** What was changed, for debug logs. */
  edits: string[];
}

/**
 * What the edits read of a body: a request's JsonBody (top-level values parsed on first read) or a
 * view of an object the proxy built. `mentions` bounds how often a word occurs in a value's keys and
 * strings (JsonBody.mentions): 0 proves a part holds no thinking block or cache_control without
 * parsing it; Infinity means "look".
 */
export interface MessagesBodyView {
  get(key: string): unknown;
  mentions(key: string, word: string): number;
}

export function objectView(body: JsonObject): MessagesBodyView {
  return { get: (key) => (Object.hasOwn(body, key) ? body[key] : undefined), mentions: () => Infinity };
}

/**
 * The top-level values to change (`undefined` removes one) and what was done. The system prompt's
 * shape is checked first: the proxy reads it, so a wrong one is a 400 naming it, not a crash.
 */
export function messagesBodyChanges(view: MessagesBodyView, opts: PrepareOptions): { changes: JsonObject; edits: string[] } {
  const changes: JsonObject = {};
  const edits: string[] = [];
  let system = view.get('system');
  checkSystem(system);

  const stripped = stripBillingHeader(system);
  if (stripped.changed) {
    system = changes.system = stripped.system;
    edits.push('billing-header');
  }

  if (opts.injection !== 'none' && !startsWithIdentity(system, opts.detectedSystem)) {
    const prefix: TextBlock[] =
      opts.injection === 'full' && opts.detectedSystem?.length
        ? opts.detectedSystem.map((b) => ({ type: 'text', text: b.text }))
        : [{ type: 'text', text: CLAUDE_CODE_IDENTITY }];
    system = changes.system = [...prefix, ...systemBlocks(system)];
    edits.push(`identity-${opts.injection}`);
  }

  let messages: unknown;
  if (view.mentions('messages', 'thinking') > 0) {
    messages = view.get('messages');
    if (hasThinkingBlocks(messages)) {
      const native = dropForeignThinking({ messages });
      if (native.messages !== messages) {
        messages = changes.messages = native.messages;
        edits.push('foreign-thinking');
      }
    }
  }

  // Every breakpoint spells `cache_control` in the client's bytes (the edits above add none), so
  // while the bytes do so at most `maxBreakpoints` times, nothing needs counting.
  const bound = view.mentions('tools', 'cache_control') + view.mentions('system', 'cache_control') + view.mentions('messages', 'cache_control');
  if (bound > opts.maxBreakpoints) {
    const parts = { tools: view.get('tools'), system, messages: 'messages' in changes ? messages : view.get('messages') };
    const capped = capCacheControl(parts, opts.maxBreakpoints);
    if (capped !== parts) {
      for (const key of ['tools', 'system', 'messages'] as const) if (capped[key] !== parts[key]) changes[key] = capped[key];
      edits.push('cache-control-cap');
    }
  }
  return { changes, edits };
}

/** The same edits on an object body (a converted request): the edited copy, or the input itself. */
export function prepareMessagesBody(input: JsonObject, opts: PrepareOptions): PreparedBody {
  const { changes, edits } = messagesBodyChanges(objectView(input), opts);
  if (edits.length === 0) return { body: input, changed: false, edits };
  return { body: { ...input, ...changes }, changed: true, edits };
}

/** Shape checks of what the passthrough reads (the rest is the upstream's to judge): a 400 naming the field. */
export function checkMessagesBody(body: MessagesBodyView): void {
  checkSystem(body.get('system'));
}

/** `system`: absent, null, a string, or an array of block objects (what the edits read). */
function checkSystem(system: unknown): void {
  if (system === undefined || system === null || typeof system === 'string') return;
  if (!Array.isArray(system)) throw invalidField('system', `must be a string or an array of text blocks, got ${jsonTypeOf(system)}`);
  for (let i = 0; i < system.length; i++) {
    const block: unknown = system[i];
    if (block === null || typeof block !== 'object' || Array.isArray(block)) throw invalidField(['system', i], `must be a text block object, got ${jsonTypeOf(block)}`);
  }
}

/**
 * Allocation-free pre-check: does any assistant turn carry thinking blocks at all? Most requests
 * have none, and dropForeignThinking copies the message list to find out (≈ 1 % of the proxy's
 * CPU on the small-body workload).
 */
function hasThinkingBlocks(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  for (const m of messages as Array<{ role?: unknown; content?: unknown } | null>) {
    if (!m || m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (const b of m.content as Array<{ type?: unknown } | null>) {
      if (b && typeof b === 'object' && (b.type === 'thinking' || b.type === 'redacted_thinking')) return true;
    }
  }
  return false;
}

/** System as blocks (a string system becomes one text block). */
function systemBlocks(system: unknown): unknown[] {
  if (typeof system === 'string') return system ? [{ type: 'text', text: system }] : [];
  return Array.isArray(system) ? system : [];
}

export function startsWithIdentity(system: unknown, detected?: TextBlock[]): boolean {
  // A client's system may hold anything (e.g. `[null]`): what is not a text block is no identity.
  const first = systemBlocks(system).find((b) => typeof (b as { text?: unknown } | null)?.text === 'string') as TextBlock | undefined;
  if (!first) return false;
  const text = first.text.trimStart();
  const detectedFirst = detected?.[0]?.text.trim();
  const identities = detectedFirst ? [...KNOWN_IDENTITIES, detectedFirst] : KNOWN_IDENTITIES;
  return identities.some((id) => id && text.startsWith(id));
}

interface Breakpoint {
  where: 'tools' | 'system' | 'messages';
  /** Path of indices to the object carrying cache_control. */
  path: number[];
}

/**
 * Visit every cache_control in tools → system → messages order (the API's prefix order). One walk
 * for counting (every request, so it allocates nothing) and for collecting (only over the cap).
 */
function eachBreakpoint(body: JsonObject, visit: (where: Breakpoint['where'], i: number, j?: number) => void): void {
  const has = (o: unknown): boolean => !!o && typeof o === 'object' && (o as JsonObject).cache_control != null;
  if (Array.isArray(body.tools)) body.tools.forEach((t, i) => has(t) && visit('tools', i));
  if (Array.isArray(body.system)) body.system.forEach((b, i) => has(b) && visit('system', i));
  if (Array.isArray(body.messages)) {
    body.messages.forEach((m, i) => {
      const content = (m as JsonObject | null)?.content;
      if (Array.isArray(content)) content.forEach((b, j) => has(b) && visit('messages', i, j));
    });
  }
}

function capCacheControl(body: JsonObject, max: number): JsonObject {
  let count = 0;
  eachBreakpoint(body, () => count++);
  if (count <= max) return body;
  const all: Breakpoint[] = [];
  eachBreakpoint(body, (where, i, j) => all.push({ where, path: j === undefined ? [i] : [i, j] }));
  // Drop the earliest message breakpoints first; then (if still too many) the earliest others.
  const order = [...all.filter((b) => b.where === 'messages'), ...all.filter((b) => b.where !== 'messages')];
  const drop = order.slice(0, all.length - max);
  const out: JsonObject = { ...body };
  for (const bp of drop) {
    if (bp.where === 'messages') {
      const messages = (out.messages = [...(out.messages as unknown[])]);
      const [i, j] = bp.path as [number, number];
      const msg = { ...(messages[i] as JsonObject) };
      const content = [...(msg.content as unknown[])];
      content[j] = withoutCacheControl(content[j]);
      msg.content = content;
      messages[i] = msg;
    } else {
      const list = (out[bp.where] = [...(out[bp.where] as unknown[])]);
      list[bp.path[0]!] = withoutCacheControl(list[bp.path[0]!]);
    }
  }
  return out;
}

function withoutCacheControl(o: unknown): unknown {
  const { cache_control: _drop, ...rest } = o as JsonObject;
  return rest;
}
