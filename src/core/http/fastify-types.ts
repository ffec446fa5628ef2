/**
 * Fastify declaration merging for what the core adds to requests and route configs.
 * Imported for its side effect by every core http module that uses these fields.
 */
import type { ApiFormat } from '../adapter.js';
import type { HttpContext } from './context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Core request context (event bus, logger, in-flight tracking); absent on bare test apps. */
    ccproxyHttp?: HttpContext;
  }
  interface FastifyContextConfig {
    /** The client API a route speaks; decides the error body format. */
    api?: ApiFormat;
    /** Owning plugin, for logs and events. */
    plugin?: string;
    /** Route tags, e.g. `plugin-<name>` (set by the runtime when mounting plugin routes). */
    tags?: string[];
  }
}

export {};
