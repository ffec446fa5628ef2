/**
 * Scheduled tasks of the claude_sdk plugin:
 * - detection refresh (the spec's ClaudeDetectionRefreshTask): hourly by default, skipping the
 *   initial run because initialize() already started one in the background;
 * - idle-session sweep: drops sessions unused for `session_idle_ttl`.
 */
import type { Logger } from 'pino';
import type { ScheduledTaskDefinition } from '../../plugin.js';
import type { ClaudeDetectionService } from './detection.js';
import type { SessionPool } from './sessions.js';

export function detectionRefreshTask(name: string, intervalSeconds: number, detection: ClaudeDetectionService, logger?: Logger): ScheduledTaskDefinition {
  return {
    name: `${name}_detection_refresh`,
    intervalSeconds,
    skipInitialRun: true,
    jitterSeconds: Math.min(60, intervalSeconds / 10),
    timeoutSeconds: 60,
    run: async () => {
      const d = await detection.refresh();
      logger?.info({ version: d.version, cli: d.cliPath, loggedIn: d.loggedIn }, 'claude_detection_refresh_completed');
      // A missing CLI is a state, not a task failure; a failing `--version` on a found CLI is.
      return !(d.cliPath && d.error);
    },
  };
}

export function sessionCleanupTask(name: string, intervalSeconds: number, sessions: SessionPool, logger?: Logger): ScheduledTaskDefinition {
  return {
    name: `${name}_session_cleanup`,
    intervalSeconds,
    skipInitialRun: true,
    run: async () => {
      const dropped = sessions.sweep();
      if (dropped > 0) logger?.debug({ dropped }, 'claude_sdk idle sessions dropped');
    },
  };
}
