/**
 * Health of the claude_sdk provider: `fail` without a CLI, `warn` while detection has not finished
 * or the CLI is not logged in (and no API key is configured), else `pass`; always with the CLI
 * version and path, session and process counts, tool calls waiting for approval, and the last
 * request error.
 */
import { healthReport, type HealthCheckResult, type HealthNote } from '../../plugin.js';
import type { ClaudeDetection } from './detection.js';
import type { SessionStats } from './sessions.js';

export interface HealthInputs {
  plugin: string;
  detection: ClaudeDetection | null;
  sessions: SessionStats;
  running: number;
  processes: number[];
  /** The prewarmed CLI waiting for the next request, if any. */
  warmPid?: number;
  /** Tool calls waiting for a person (undefined: builtin_permissions off). */
  pendingPermissions?: number;
  lastError?: { message: string; at: string };
}

export function claudeSdkHealth(h: HealthInputs): HealthCheckResult {
  const d = h.detection;
  const details: Record<string, unknown> = {
    cli_path: d?.cliPath ?? null,
    cli_source: d?.source ?? null,
    version: d?.version ?? null,
    logged_in: d?.loggedIn ?? false,
    auth_method: d?.authMethod ?? 'unknown',
    detected_at: d?.checkedAt ?? null,
    sessions: h.sessions.sessions,
    sessions_busy: h.sessions.busy,
    sessions_waiting: h.sessions.waiting,
    max_sessions: h.sessions.max,
    running_requests: h.running,
    cli_processes: h.processes.length,
    cli_pids: h.processes,
    prewarmed_cli_pid: h.warmPid ?? null,
    pending_permissions: h.pendingPermissions ?? null,
    last_error: h.lastError ?? null,
  };
  return healthReport({
    componentId: h.plugin,
    notes: detectionNotes(d),
    details,
    ...(d?.version ? { version: d.version } : {}),
    ok: d ? `Claude Code ${d.version ?? '(unknown version)'} at ${d.cliPath}` : undefined,
  });
}

/** What detection found: one note, or none when the CLI is there and logged in. */
function detectionNotes(d: ClaudeDetection | null): HealthNote[] {
  if (!d) return [{ level: 'warn', message: 'Claude Code CLI detection still running' }];
  if (!d.cliPath) return [{ level: 'fail', message: d.error ?? 'Claude Code CLI not found' }];
  if (!d.loggedIn) {
    return [{ level: 'warn', message: 'Claude Code CLI is not logged in: run `claude` and /login, or set ANTHROPIC_API_KEY in plugins.claude_sdk.env' }];
  }
  return [];
}
