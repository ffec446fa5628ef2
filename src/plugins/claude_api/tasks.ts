/** Scheduled work: re-detect the Claude CLI hourly so an upgrade is picked up without a restart. */
import type { ScheduledTaskDefinition } from '../../plugin.js';
import type { ClaudeApiConfig } from './config.js';
import type { ClaudeDetector } from './detection.js';

export function claudeApiTasks(config: ClaudeApiConfig, detector: ClaudeDetector): ScheduledTaskDefinition[] {
  return [
    {
      name: 'claude_api_detection_refresh',
      intervalSeconds: config.detection.refresh_interval_seconds,
      // Startup already kicks off a background detection.
      skipInitialRun: true,
      jitterSeconds: 60,
      timeoutSeconds: config.detection.timeout_seconds + 30,
      enabled: config.detection.enabled,
      run: async () => {
        await detector.refresh();
        return true;
      },
    },
  ];
}
