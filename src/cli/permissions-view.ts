/**
 * How `ccproxy permissions` shows a pending approval: the tool, who asks, the whole input readable
 * (each field on its own line, multi-line values as indented blocks, very long ones cut), and what
 * "always" would remember. Everything the model wrote goes through `printable` first: a tool input
 * is model output, and raw control characters would let it drive the person's terminal.
 */

/** A pending approval as `GET /permissions/stream` sends it (the fields this view reads). */
export interface PendingView {
  id: string;
  tool: string;
  summary?: string;
  title?: string;
  reason?: string;
  input?: Record<string, unknown>;
  session_id?: string | null;
  request_id?: string;
  client?: { api?: string; user_agent?: string | null };
  expires_at?: string;
  session_rule?: string;
}

const MAX_LINES = 40;
const MAX_LINE = 400;

/** Control characters (but newline and tab) as visible escapes: `\x1b` shows as `\u001b`. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function block(value: string, indent: string): string[] {
  const lines = printable(value).split('\n');
  const shown = lines.slice(0, MAX_LINES).map((l) => `${indent}${l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l}`);
  if (lines.length > MAX_LINES) shown.push(`${indent}… ${lines.length - MAX_LINES} more lines`);
  return shown;
}

function field(key: string, value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2) ?? String(value);
  const name = printable(key);
  if (!text.includes('\n') && text.length <= 120) return [`     ${name}: ${printable(text)}`];
  return [`     ${name}:`, ...block(text, '       ')];
}

function expiresIn(iso: string | undefined, now: number): string {
  const at = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(at)) return '';
  return `expires in ${Math.max(0, Math.round((at - now) / 1000))} s`;
}

/** The lines shown for one pending approval, ending with the question. */
export function renderPending(p: PendingView, now = Date.now()): string[] {
  const who = [
    p.session_id ? `session ${printable(p.session_id)}` : 'no session',
    p.client?.api ? `${p.client.api} client${p.client.user_agent ? ` (${printable(p.client.user_agent)})` : ''}` : undefined,
    expiresIn(p.expires_at, now) || undefined,
  ].filter(Boolean);
  const lines = [
    '',
    `── ${printable(p.tool)}: ${printable(p.summary ?? '')}`,
    `   ${who.join(' · ')}`,
  ];
  if (p.title) lines.push(`   ${printable(p.title)}`);
  if (p.reason) lines.push(`   why asked: ${printable(p.reason)}`);
  lines.push('   input:');
  for (const [k, v] of Object.entries(p.input ?? {})) lines.push(...field(k, v));
  const always = p.session_rule ? ` (${printable(p.session_rule)})` : '';
  lines.push(`Allow? [y]es  [n]o  [a]lways for this session${always}  [q]uit: `);
  return lines;
}
