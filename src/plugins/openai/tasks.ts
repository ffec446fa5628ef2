/**
 * One scheduled `GET /models` probe per configured instance: it keeps the model list fresh for
 * `/v1/models` and root routing, and is what health reports. Unconfigured instances, and remote
 * ones without a key, are not probed.
 */
import type { ScheduledTaskDefinition } from '../../plugin.js';
import { isLocalUrl } from './config.js';
import type { Instance } from './instances.js';

export function openaiTasks(instances: Instance[]): ScheduledTaskDefinition[] {
  // A remote upstream without a key would only answer 401: health reports the missing key instead.
  const probed = instances.filter((i) => i.configured && (i.apiKey() || isLocalUrl(i.settings.base_url)));
  return probed.map((inst) => ({
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
