/** What the dashboard takes from the framework: the public plugin entry only. */
export {
  PluginConfigSchema, SSE_HEADERS, refuseCrossOrigin, requestRecord, serializeSse,
  type CoreServices, type FinishedEvent, type HealthCheckResult, type Plugin,
} from '../../plugin.js';
