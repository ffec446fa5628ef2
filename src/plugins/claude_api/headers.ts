/**
 * Upstream request headers. The client's credential (`x-api-key`, `authorization`) is never
 * forwarded: ours replaces it. With OAuth the API wants a bearer token, `anthropic-version`, and
 * the `oauth-2025-04-20` + `claude-code-20250219` betas merged into whatever betas the client asked
 * for (nothing else added). Claude Code's identifying headers (`user-agent`, `x-app`,
 * `x-stainless-*`) come from the client when it sent them, else from the detected CLI.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamCredential } from './auth/token-source.js';

export const OAUTH_BETAS = ['oauth-2025-04-20', 'claude-code-20250219'] as const;

/** Client headers worth forwarding on the native route; everything else (hop-by-hop, cookies, credentials) stays here. */
const FORWARD = /^(anthropic-|x-stainless-|x-app$|user-agent$|x-claude-code-)/;
const NEVER = new Set(['anthropic-api-key']);

export interface HeaderOptions {
  /** Client headers (native route) or null (OpenAI routes: their headers describe another API). */
  client: IncomingHttpHeaders | null;
  credential: UpstreamCredential;
  /** Detected CLI headers (`user-agent`, `x-app`, `x-stainless-*`, ...). */
  detected: Record<string, string>;
  anthropicVersion: string;
  stream: boolean;
}

export function buildUpstreamHeaders(opts: HeaderOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const client = opts.client;
  if (client) {
    // for..in over Node's header object (keys already lower-case; toLowerCase kept for plain objects).
    for (const name in client) {
      const value = client[name];
      const key = name.toLowerCase();
      if (value === undefined || NEVER.has(key) || !FORWARD.test(key)) continue;
      out[key] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  if (opts.credential.kind === 'oauth') fillIdentity(out, opts.detected);

  out['content-type'] = 'application/json';
  out.accept = opts.stream ? 'text/event-stream' : 'application/json';
  out['anthropic-version'] ??= opts.anthropicVersion;

  if (opts.credential.kind === 'oauth') {
    out.authorization = `Bearer ${opts.credential.token}`;
    out['anthropic-beta'] = mergeBetas(out['anthropic-beta'], OAUTH_BETAS);
  } else {
    out['x-api-key'] = opts.credential.key;
  }
  return out;
}

/** Detected identity headers for whatever the client did not send (x-stainless-* as one group). */
function fillIdentity(out: Record<string, string>, detected: Record<string, string>): void {
  if (!out['user-agent'] && detected['user-agent']) out['user-agent'] = detected['user-agent'];
  if (!out['x-app'] && detected['x-app']) out['x-app'] = detected['x-app'];
  const clientHasStainless = Object.keys(out).some((k) => k.startsWith('x-stainless-'));
  if (!clientHasStainless) {
    for (const [k, v] of Object.entries(detected)) if (k.startsWith('x-stainless-')) out[k] = v;
  }
}

/** Comma-joined union, client order first, no duplicates. */
export function mergeBetas(client: string | undefined, required: readonly string[]): string {
  const list = (client ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const b of required) if (!list.includes(b)) list.push(b);
  return [...new Set(list)].join(',');
}
