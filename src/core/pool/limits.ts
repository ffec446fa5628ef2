/**
 * When an account may be used again, read from what its upstream said: HTTP 429 with
 * `retry-after`, Anthropic's `anthropic-ratelimit-*-reset` headers (RFC 3339 times for API keys,
 * epoch seconds for the subscription's `unified` windows), and the ChatGPT backend's
 * `usage_limit_reached` error (`resets_in_seconds` / `resets_at`). Provider-neutral: every signal
 * is recognised wherever it appears.
 */
import { ProxyError, UpstreamError } from '../errors.js';

export interface LimitSignal {
  /** ms since epoch when the account may be tried again. */
  cooldownUntil: number;
  /** What said so, for `ccproxy accounts` and events (no content, no token). */
  reason: string;
}

/** When nothing says when a 429 ends: a minute, short enough to notice a reset soon. */
export const DEFAULT_COOLDOWN_MS = 60_000;

/** The cooldown a rate-limit error asks for, or undefined when `err` is not one. */
export function limitFromError(err: unknown, now: number = Date.now()): LimitSignal | undefined {
  if (!(err instanceof ProxyError) || err.status !== 429) return undefined;
  const until: Array<[number, string]> = [];
  if (err.retryAfter !== undefined) until.push([now + err.retryAfter * 1000, 'retry-after']);
  if (err instanceof UpstreamError) {
    const reset = usageLimitReset(err.upstreamBody, now);
    if (reset !== undefined) until.push([reset, 'usage limit reached']);
    const headers = err.upstreamHeaders;
    if (headers) until.push(...anthropicResets(headers, now));
  }
  if (until.length === 0) return { cooldownUntil: now + DEFAULT_COOLDOWN_MS, reason: 'rate limited (no reset time given)' };
  // The latest of what was said: trying before it would only earn another 429. On a tie the more
  // specific signal (listed later) names the reason: `retry-after` often just repeats it.
  let best = until[0]!;
  for (const u of until) if (u[0] >= best[0]) best = u;
  return { cooldownUntil: Math.max(best[0], now), reason: `rate limited (${best[1]})` };
}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function header(h: HeaderBag, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The resets of the windows that are exhausted: `unified` (subscription) when its status is
 * `rejected`, any other family when its `-remaining` is 0. A window with tokens left does not
 * hold the account back.
 */
function anthropicResets(h: HeaderBag, now: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const name in h) {
    const m = /^anthropic-ratelimit-(.+)-reset$/.exec(name);
    if (!m) continue;
    const family = m[1]!;
    const exhausted = family.startsWith('unified')
      ? header(h, `anthropic-ratelimit-${family}-status`) === 'rejected'
      : header(h, `anthropic-ratelimit-${family}-remaining`) === '0';
    if (!exhausted) continue;
    const at = resetTime(header(h, name), now);
    if (at !== undefined) out.push([at, `anthropic-ratelimit-${family}-reset`]);
  }
  return out;
}

/** Epoch seconds (or ms), or an RFC 3339 / HTTP date; anything else is ignored. */
function resetTime(v: string | undefined, now: number): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && v.trim() !== '') {
    if (n <= 0) return undefined;
    const ms = n < 1e11 ? n * 1000 : n;
    // A reset in the past or absurdly far ahead (a clock or parse error) is no signal.
    return ms > now - 60_000 && ms < now + 31 * 86_400_000 ? ms : undefined;
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** ChatGPT backend: `{"error": {"type": "usage_limit_reached", "resets_in_seconds": N, "resets_at": epoch}}`. */
function usageLimitReset(body: unknown, now: number): number | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const e = (body as { error?: unknown }).error;
  if (!e || typeof e !== 'object') return undefined;
  const { resets_in_seconds: inSeconds, resets_at: at } = e as { resets_in_seconds?: unknown; resets_at?: unknown };
  if (typeof inSeconds === 'number' && Number.isFinite(inSeconds) && inSeconds >= 0) return now + Math.ceil(inSeconds) * 1000;
  if (typeof at === 'number') return resetTime(String(at), now);
  return undefined;
}
