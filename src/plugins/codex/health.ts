/**
 * The codex health check (IETF `checks` entry). No upstream call: it reads the credentials file,
 * the refresher's last outcome, detection state and the last real upstream status.
 *  - fail: no usable credentials (missing, no account id, expired without a way to refresh).
 *  - warn: expiring/expired but refreshable, last refresh failed, refreshed tokens held in memory
 *    because the file could not take them, a credentials directory that takes no writes, or
 *    detection on fallback data.
 */
import type { HealthCheckResult, RefreshRecord } from '../../plugin.js';
import type { CodexCredentials } from './auth/credentials.js';
import type { CodexDetection } from './detection-types.js';

export interface CodexHealthInput {
  credentials: CodexCredentials | null;
  /** Why the file could not be read (corrupt JSON...): reported, never "missing". */
  credentialsError?: string;
  credentialsPath: string;
  /** Refreshed tokens held in memory because the file could not take them (the refresher's line). */
  unsaved?: string;
  /** Why the credentials directory takes no writes right now (the next refresh would fail). */
  writeProblem?: string;
  marginMs: number;
  lastRefresh: RefreshRecord | null;
  detection: CodexDetection;
  lastUpstream: { status: number; at: number } | null;
  /** Latest subscription window usage the backend reported (`codex.rate_limits`). */
  rateLimits?: { at: number; data: Record<string, unknown> } | null;
  now?: number;
}

export function codexHealth(input: CodexHealthInput): HealthCheckResult {
  const now = input.now ?? Date.now();
  const c = input.credentials;
  const problems: string[] = [];
  const warnings: string[] = [];
  let expiresIn: number | undefined;
  if (input.credentialsError) {
    problems.push(`${input.credentialsError} (fix or delete the file, then \`ccproxy auth login codex\`)`);
  } else if (!c) {
    problems.push(`no Codex credentials at ${input.credentialsPath} (run \`ccproxy auth login codex\`)`);
  } else {
    if (!c.accountId) problems.push('credentials carry no ChatGPT account id');
    if (c.expiresAt !== undefined) {
      expiresIn = Math.round((c.expiresAt - now) / 1000);
      if (expiresIn <= 0) (c.refreshToken ? warnings : problems).push(`access token expired ${-expiresIn}s ago${c.refreshToken ? ' (will refresh on next request)' : ' and no refresh token'}`);
      else if (expiresIn * 1000 <= input.marginMs) warnings.push(`access token expires in ${expiresIn}s`);
    }
  }
  if (input.unsaved) warnings.push(input.unsaved);
  if (input.writeProblem) warnings.push(input.writeProblem);
  if (input.lastRefresh && !input.lastRefresh.ok) warnings.push(`last token refresh failed: ${input.lastRefresh.error ?? 'unknown error'}`);
  if (input.detection.source === 'fallback') warnings.push(`using shipped Codex CLI data (${input.detection.reason ?? 'not detected'})`);
  if (input.rateLimits?.data.limit_reached === true) warnings.push('ChatGPT usage limit reached for the current window');
  if (input.lastUpstream && (input.lastUpstream.status === 401 || input.lastUpstream.status === 403)) {
    warnings.push(`last upstream request was refused (${input.lastUpstream.status})`);
  }

  const status = problems.length ? 'fail' : warnings.length ? 'warn' : 'pass';
  return {
    status,
    componentId: 'codex',
    componentType: 'provider',
    output: [...problems, ...warnings].join('; ') || undefined,
    version: input.detection.version,
    time: new Date(now).toISOString(),
    details: {
      credentials_file: input.credentialsPath,
      credentials: input.credentialsError ? 'unreadable' : c ? (expiresIn !== undefined && expiresIn <= 0 ? 'expired' : expiresIn !== undefined && expiresIn * 1000 <= input.marginMs ? 'expiring' : 'valid') : 'missing',
      ...(expiresIn !== undefined ? { expires_in_seconds: expiresIn } : {}),
      account_id_known: Boolean(c?.accountId),
      ...(c?.planType ? { plan: c.planType } : {}),
      last_refresh: input.lastRefresh
        ? { ok: input.lastRefresh.ok, at: new Date(input.lastRefresh.at).toISOString(), ...(input.lastRefresh.error ? { error: input.lastRefresh.error } : {}) }
        : null,
      cli: { source: input.detection.source, version: input.detection.version, ...(input.detection.reason ? { reason: input.detection.reason } : {}) },
      last_upstream: input.lastUpstream ? { status: input.lastUpstream.status, at: new Date(input.lastUpstream.at).toISOString() } : null,
      ...(input.rateLimits ? { rate_limits: { ...input.rateLimits.data, reported_at: new Date(input.rateLimits.at).toISOString() } } : {}),
    },
  };
}
