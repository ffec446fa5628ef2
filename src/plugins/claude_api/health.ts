/**
 * IETF health check for claude_api, built only from local state (credentials file, last refresh,
 * detection, what the last real request saw): never an extra paid upstream call.
 * `fail`: no usable credentials. `warn`: token near expiry / expired but refreshable, last
 * refresh failed, refreshed tokens not saved yet (held in memory), a credentials directory that
 * takes no writes, fallback detection data, or the last upstream call failed.
 */
import { healthReport, poolHealth, type HealthCheckResult, type AccountPool, type UpstreamStats } from '../../plugin.js';
import type { ClaudeTokenSource } from './auth/token-source.js';
import type { ClaudeDetector } from './detection.js';

export interface HealthInputs {
  tokens: ClaudeTokenSource;
  /** With several accounts: each one's credentials and state; one failing account is a `warn`. */
  pool?: AccountPool<ClaudeTokenSource>;
  detector: ClaudeDetector;
  stats: Partial<Pick<UpstreamStats, 'lastStatus' | 'lastAt' | 'lastOkAt' | 'lastError'>>;
  now?: number;
}

type Problem = { level: 'warn' | 'fail'; message: string };

export async function claudeApiHealth(inputs: HealthInputs): Promise<HealthCheckResult> {
  const { detector, stats, pool } = inputs;
  const now = inputs.now ?? Date.now();
  let problems: Problem[];
  let details: Record<string, unknown>;
  let mode: string;
  if (pool?.pooled) ({ problems, details, mode } = await accountsHealth(pool, now));
  else ({ problems, details, mode } = await credentialsHealth(inputs.tokens, now));

  const d = detector.current();
  details.cli = { version: d.version, source: d.source, ...(detector.lastError ? { error: detector.lastError } : {}) };
  if (d.source === 'fallback') {
    const why = detector.inProgress ? 'Claude CLI detection in progress, using fallback headers meanwhile' : `Claude CLI not detected, using fallback headers${detector.lastError ? ` (${detector.lastError})` : ''}`;
    problems.push({ level: 'warn', message: why });
  }

  if (stats.lastAt) {
    details.upstream = { last_status: stats.lastStatus, last_at: stats.lastAt, last_ok_at: stats.lastOkAt, ...(stats.lastError ? { last_error: stats.lastError } : {}) };
    if (stats.lastError) problems.push({ level: 'warn', message: `last upstream request failed: ${stats.lastError}` });
  }

  return healthReport({ componentId: 'claude_api', notes: problems, details, version: d.version, ok: `credentials ok (${mode})`, now });
}

/** Each account: its credentials (as for a single one) and its pool state. */
async function accountsHealth(pool: AccountPool<ClaudeTokenSource>, now: number): Promise<{ problems: Problem[]; details: Record<string, unknown>; mode: string }> {
  const { problems, accounts } = await poolHealth(pool, (tokens) => credentialsHealth(tokens, now));
  return { problems, details: { accounts }, mode: `${accounts.length} accounts` };
}

async function credentialsHealth(tokens: ClaudeTokenSource, now: number): Promise<{ problems: Problem[]; details: Record<string, unknown>; mode: string }> {
  const problems: Problem[] = [];
  const details: Record<string, unknown> = { credentials_file: tokens.file.path };
  let mode: 'oauth' | 'api_key' | 'none' = 'none';
  try {
    mode = await tokens.mode();
    details.auth_type = mode;
    if (mode === 'none') problems.push({ level: 'fail', message: 'no credentials (run `ccproxy auth login claude`)' });
    if (mode === 'oauth') {
      const t = await tokens.refresher.current(true);
      if (!t) {
        problems.push({ level: 'fail', message: `no OAuth token in ${tokens.file.path}` });
      } else {
        details.subscription_type = t.subscriptionType;
        if (t.expiresAt !== undefined) {
          const left = Math.round((t.expiresAt - now) / 1000);
          details.expires_at = new Date(t.expiresAt).toISOString();
          details.expires_in_seconds = left;
          if (left <= 0) {
            problems.push(t.refreshToken ? { level: 'warn', message: 'access token expired; refreshed on the next request' } : { level: 'fail', message: 'access token expired and no refresh token' });
          } else if (tokens.refresher.isExpiring(t)) {
            problems.push({ level: 'warn', message: `access token expires in ${left}s` });
          }
        }
        const unwritable = await tokens.file.writeProblem?.();
        if (unwritable) problems.push({ level: 'warn', message: unwritable });
      }
    }
  } catch (err) {
    problems.push({ level: 'fail', message: err instanceof Error ? err.message : String(err) });
  }

  const refresh = tokens.refresher.lastRefresh;
  if (refresh) {
    details.last_refresh = { ok: refresh.ok, at: new Date(refresh.at).toISOString(), ...(refresh.error ? { error: refresh.error } : {}) };
    if (!refresh.ok) problems.push({ level: 'warn', message: `last token refresh failed: ${refresh.error}` });
  }
  const unsaved = tokens.refresher.unsavedMessage();
  if (unsaved) {
    problems.push({ level: 'warn', message: unsaved });
    details.unsaved_credentials = tokens.refresher.unsaved;
  }
  return { problems, details, mode };
}
