/** What the dashboard takes from the framework: the public plugin entry only. */
export {
  PluginConfigSchema, SSE_HEADERS, refuseCrossOrigin, serializeSse,
  type CoreServices, type HealthCheckResult, type Plugin, type RequestEvents,
} from '../../plugin.js';
