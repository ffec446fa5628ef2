/**
 * The conversation a request belongs to, as a hash: an explicit `x-session-id` header, else the
 * client (user agent's product token), the system prompt and the first user turn, which stay the
 * same for every turn of one conversation. Keeping one conversation on one account keeps the
 * provider's prompt cache hitting.
 *
 * Only the hash leaves this function: no client content is kept anywhere. `cache_control` markers
 * are left out of the hash because clients move them from turn to turn (Claude Code marks the
 * latest messages).
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiFormat } from '../adapter.js';
import type { JsonBody } from '../json/json-body.js';

/** `undefined` when the request carries nothing to tell its conversation by (no user turn yet). */
export function affinityKey(api: ApiFormat, body: JsonBody, headers: IncomingHttpHeaders): string | undefined {
  const explicit = headers['x-session-id'];
  const session = Array.isArray(explicit) ? explicit[0] : explicit;
  if (session) return digest(['session', session]);
  const ua = String(headers['user-agent'] ?? '').split(/[\s/]/, 1)[0] ?? '';
  const parts = api === 'anthropic' ? anthropicParts(body)
    : api === 'chat' ? chatParts(body)
    : responsesParts(body);
  return parts ? digest([api, ua, ...parts]) : undefined;
}

function digest(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('base64url').slice(0, 32);
}

function anthropicParts(body: JsonBody): string[] | undefined {
  const messages = body.get('messages');
  if (!Array.isArray(messages)) return undefined;
  const first = messages.find((m) => isRole(m, 'user'));
  if (!first) return undefined;
  return [canonical(body.get('system')), canonical((first as { content?: unknown }).content)];
}

function chatParts(body: JsonBody): string[] | undefined {
  const messages = body.get('messages');
  if (!Array.isArray(messages)) return undefined;
  const system = messages.filter((m) => isRole(m, 'system') || isRole(m, 'developer')).map((m) => canonical((m as { content?: unknown }).content));
  const first = messages.find((m) => isRole(m, 'user'));
  if (!first) return undefined;
  return [system.join('\0'), canonical((first as { content?: unknown }).content)];
}

function responsesParts(body: JsonBody): string[] | undefined {
  const input = body.get('input');
  const instructions = canonical(body.get('instructions'));
  if (typeof input === 'string') return [instructions, input];
  if (!Array.isArray(input)) return undefined;
  const first = input.find((m) => isRole(m, 'user'));
  return first ? [instructions, canonical((first as { content?: unknown }).content)] : undefined;
}

function isRole(m: unknown, role: string): boolean {
  return !!m && typeof m === 'object' && (m as { role?: unknown }).role === role;
}

/** A stable text for a value, without `cache_control` anywhere in it. */
function canonical(v: unknown): string {
  return JSON.stringify(v ?? null, (key, value: unknown) => (key === 'cache_control' ? undefined : value)) ?? '';
}
