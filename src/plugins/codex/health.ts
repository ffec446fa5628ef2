/**
 * The codex health check (IETF `checks` entry). No upstream call: it reads the credentials,
 * the refresher's last outcome, detection state and the last real upstream status.
 *  - fail: no usable credentials (missing, no account id, expired without a way to refresh); with
 *    several accounts, only when no account can serve.
 *  - warn: expiring/expired but refreshable, last refresh failed, refreshed tokens held in memory
 *    because the file could not take them, a credentials directory that takes no writes, detection
 *    on fallback data; with several accounts, an account cooling down or failing (by name).
 */
import { healthReport, lastResponseDetail, poolHealth, type AccountCredentialsHealth, type AccountPool, type HealthCheckResult, type HealthNote, type HealthProblem, type RefreshRecord } from '../../plugin.js';
import type { CodexCredentials } from './auth/credentials.js';
import type { CodexTokenManager } from './auth/token-manager.js';
import type { CodexDetection } from './detection-types.js';

type RateLimits = { at: number; data: Record<string, unknown> };

/** What one account's credentials look like, for health. */
export interface CodexCredentialsInput {
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
  /** Latest subscription window usage the backend reported (`codex.rate_limits`). */
  rateLimits?: RateLimits | null;
  now?: number;
}

export interface CodexHealthInput extends CodexCredentialsInput {
  detection: CodexDetection;
  lastUpstream: { status: number; at: number } | null;
}

export function codexHealth(input: CodexHealthInput): HealthCheckResult {
  const now = input.now ?? Date.now();
  const { problems, warnings, details } = credentialChecks(input, now);
  warnings.push(...serviceWarnings(input));
  return result([...problems.map(fail), ...warnings.map(warn)], input, now, {
    credentials_file: input.credentialsPath,
    ...details,
  });
}

/** Several accounts: each one's credentials and pool state under `details.accounts`. */
export async function codexPoolHealth(
  pool: AccountPool<CodexTokenManager>,
  rateLimits: ReadonlyMap<string, RateLimits>,
  input: Pick<CodexHealthInput, 'marginMs' | 'detection' | 'lastUpstream' | 'now'>,
): Promise<HealthCheckResult> {
  const now = input.now ?? Date.now();
  const names = new Map(pool.members.map((m) => [m.value, m.name]));
  const { problems, accounts } = await poolHealth(pool, async (tokens): Promise<AccountCredentialsHealth> => {
    const c = await accountCredentials(tokens, input.marginMs, rateLimits.get(names.get(tokens)!));
    const checks = credentialChecks(c, now);
    return {
      problems: [...checks.problems.map(fail), ...checks.warnings.map(warn)],
      details: { credentials_file: c.credentialsPath, ...checks.details },
    };
  });
  problems.push(...serviceWarnings(input).map(warn));
  return result(problems, input, now, { accounts });
}

/** One account's credentials as health reads them (a file read, no refresh). */
async function accountCredentials(tokens: CodexTokenManager, marginMs: number, rateLimits: RateLimits | undefined): Promise<CodexCredentialsInput> {
  const { credentials, error } = await tokens.inspect();
  return {
    credentials,
    credentialsError: error,
    credentialsPath: tokens.path,
    unsaved: tokens.refresher.unsavedMessage(),
    writeProblem: credentials ? await tokens.file.writeProblem?.() : undefined,
    marginMs,
    lastRefresh: tokens.refresher.lastRefresh,
    rateLimits,
  };
}

function credentialChecks(input: CodexCredentialsInput, now: number): { problems: string[]; warnings: string[]; details: Record<string, unknown> } {
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
  if (input.rateLimits?.data.limit_reached === true) warnings.push('ChatGPT usage limit reached for the current window');
  const details = {
    credentials: input.credentialsError ? 'unreadable' : c ? (expiresIn !== undefined && expiresIn <= 0 ? 'expired' : expiresIn !== undefined && expiresIn * 1000 <= input.marginMs ? 'expiring' : 'valid') : 'missing',
    ...(expiresIn !== undefined ? { expires_in_seconds: expiresIn } : {}),
    account_id_known: Boolean(c?.accountId),
    ...(c?.planType ? { plan: c.planType } : {}),
    last_refresh: input.lastRefresh
      ? { ok: input.lastRefresh.ok, at: new Date(input.lastRefresh.at).toISOString(), ...(input.lastRefresh.error ? { error: input.lastRefresh.error } : {}) }
      : null,
    ...(input.rateLimits ? { rate_limits: { ...input.rateLimits.data, reported_at: new Date(input.rateLimits.at).toISOString() } } : {}),
  };
  return { problems, warnings, details };
}

/** What is not about one account: detection and the last upstream answer. */
function serviceWarnings(input: Pick<CodexHealthInput, 'detection' | 'lastUpstream'>): string[] {
  const warnings: string[] = [];
  if (input.detection.source === 'fallback') warnings.push(`using shipped Codex CLI data (${input.detection.reason ?? 'not detected'})`);
  if (input.lastUpstream && (input.lastUpstream.status === 401 || input.lastUpstream.status === 403)) {
    warnings.push(`last upstream request was refused (${input.lastUpstream.status})`);
  }
  return warnings;
}

const fail = (message: string): HealthProblem => ({ level: 'fail', message });
const warn = (message: string): HealthProblem => ({ level: 'warn', message });

function result(notes: HealthNote[], input: Pick<CodexHealthInput, 'detection' | 'lastUpstream'>, now: number, details: Record<string, unknown>): HealthCheckResult {
  return healthReport({
    componentId: 'codex',
    notes,
    version: input.detection.version,
    now,
    details: {
      ...details,
      cli: { source: input.detection.source, version: input.detection.version, ...(input.detection.reason ? { reason: input.detection.reason } : {}) },
      last_upstream: lastResponseDetail(input.lastUpstream),
    },
  });
}
