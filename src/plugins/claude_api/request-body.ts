/**
 * The few edits an Anthropic Messages body needs before it goes upstream, done copy-on-write so
 * the passthrough route can send the client's exact bytes when nothing had to change:
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
import { dropForeignThinking, stripBillingHeader } from '../../formats/index.js';

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

export function prepareMessagesBody(input: JsonObject, opts: PrepareOptions): PreparedBody {
  const edits: string[] = [];
  let body = input;

  const stripped = stripBillingHeader(body.system);
  if (stripped.changed) {
    body = { ...body, system: stripped.system };
    edits.push('billing-header');
  }

  if (opts.injection !== 'none' && !startsWithIdentity(body.system, opts.detectedSystem)) {
    const prefix: TextBlock[] =
      opts.injection === 'full' && opts.detectedSystem?.length
        ? opts.detectedSystem.map((b) => ({ type: 'text', text: b.text }))
        : [{ type: 'text', text: CLAUDE_CODE_IDENTITY }];
    body = { ...body, system: [...prefix, ...systemBlocks(body.system)] };
    edits.push(`identity-${opts.injection}`);
  }

  const native = hasThinkingBlocks(body) ? dropForeignThinking(body) : body;
  if (native !== body) {
    body = native;
    edits.push('foreign-thinking');
  }

  const capped = capCacheControl(body, opts.maxBreakpoints);
  if (capped !== body) {
    body = capped;
    edits.push('cache-control-cap');
  }
  return { body, changed: body !== input, edits };
}

/**
 * Allocation-free pre-check: does any assistant turn carry thinking blocks at all? Most requests
 * have none, and dropForeignThinking copies the message list to find out (≈ 1 % of the proxy's
 * CPU on the small-body workload).
 */
function hasThinkingBlocks(body: JsonObject): boolean {
  const messages = body.messages;
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
