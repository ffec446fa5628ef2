/** Scheduled work: re-detect the Codex CLI hourly so an upgrade is picked up without a restart. */
import type { ScheduledTaskDefinition } from '../../plugin.js';
import type { CodexConfig } from './config.js';
import type { CodexDetectionService } from './detection.js';

export function codexTasks(config: CodexConfig, detection: CodexDetectionService): ScheduledTaskDefinition[] {
  return [
    {
      name: 'codex_detection_refresh',
      intervalSeconds: config.detection.refresh_interval_seconds,
      enabled: config.detection.enabled,
      // Startup already runs detection in the background.
      skipInitialRun: true,
      jitterSeconds: 60,
      timeoutSeconds: config.detection.timeout_seconds + 15,
      maxBackoffSeconds: 6 * 3600,
      run: async (signal) => {
        // A missing CLI is not a task failure (fallback data is in use); only a crash backs off.
        await detection.refresh(signal);
      },
    },
  ];
}
