/**
 * One scheduled `GET /models` probe per configured instance: it keeps the model list fresh for
 * `/v1/models` and root routing, and is what health reports. Unconfigured instances are not
 * probed (no calls to api.openai.com without a key).
 */
import type { ScheduledTaskDefinition } from '../../core/plugin.js';
import type { Instance } from './instances.js';

export function openaiTasks(instances: Instance[]): ScheduledTaskDefinition[] {
  return instances.filter((i) => i.configured).map((inst) => ({
    name: `openai_models_probe${inst.segment ? `_${inst.segment}` : ''}`,
    intervalSeconds: inst.settings.models_probe_interval,
    jitterSeconds: Math.min(30, inst.settings.models_probe_interval / 10),
    maxBackoffSeconds: 3600,
    timeoutSeconds: 20,
    run: async (signal) => {
      await inst.catalog.refresh(signal);
    },
  }));
}
