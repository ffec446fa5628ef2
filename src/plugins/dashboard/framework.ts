/** What the dashboard takes from the framework: the public plugin entry only. */
export {
  PluginConfigSchema, definePlugin, openEventStream, refuseCrossOrigin, requestRecord, serializeSse,
  type CoreServices, type FinishedEvent,
} from '../../plugin.js';
