/**
 * What the dashboard takes from the framework, in one place: when the public entry
 * (`src/plugin.ts`, issue 18) is on main, these imports become one `from '../../plugin.js'`.
 */
export { PluginConfigSchema, type HealthCheckResult, type Plugin } from '../../core/plugin.js';
export type { CoreServices } from '../../core/services.js';
export type { RequestEvents } from '../../core/events.js';
export { refuseCrossOrigin } from '../../core/http/same-origin.js';
export { SSE_HEADERS } from '../../core/http/send.js';
export { serializeSse } from '../../formats/sse.js';
