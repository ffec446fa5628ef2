/**
 * The core settings schema. Plugin sections (`[plugins.<name>]`) are kept raw here and validated by
 * each plugin's own schema when it loads. Keys are snake_case, as in the TOML file and env vars.
 */
import { z } from 'zod';
import { StateSettingsSchema } from '../pool/config.js';

export const ServerSettingsSchema = z.object({
  host: z.string().default('127.0.0.1').describe('Interface to bind; non-loopback requires server.auth_token'),
  port: z.number().int().min(0).max(65535).default(8000).describe('TCP port (0 = ephemeral)'),
  auth_token: z.string().min(1).optional().describe('Require `Authorization: Bearer <token>` or `x-api-key: <token>` on every route but /health* (without it, /health shows the status only)').meta({ examples: ['replace-with-a-long-random-token'] }),
  allowed_hosts: z.array(z.string()).default([]).describe('Extra Host header names accepted (DNS-rebinding guard)'),
  cors_origins: z.array(z.string()).default([]).describe('Origins (`scheme://host[:port]`) a browser page may call from; a request with any other Origin is refused, loopback ones included'),
  body_limit: z.number().int().positive().default(32 * 1024 * 1024).describe('Max request body in bytes'),
  // At most 1000: conversions and serialization recurse over a body's values, and Node's stack
  // holds a few thousand levels.
  max_json_depth: z.number().int().min(2).max(1000).default(256).describe('Deepest nesting of arrays and objects a request body may have (400 beyond)'),
  headers_timeout: z.number().positive().default(30).describe('Seconds a client may take to send its request headers'),
  request_timeout: z.number().positive().default(120).describe('Seconds a client may take to send its whole request, headers and body (the response is not limited)'),
  max_connections: z.number().int().positive().default(512).describe('Max client connections open at once; more are closed on arrival'),
  shutdown_timeout: z.number().positive().default(30).describe('Seconds in-flight requests get to finish on SIGTERM'),
});

export const LoggingSettingsSchema = z.object({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level'),
  format: z.enum(['auto', 'json', 'pretty']).default('auto').describe('json lines, pretty for humans, or auto: pretty on a terminal, json otherwise'),
});

export const HttpSettingsSchema = z.object({
  connect_timeout: z.number().positive().default(10).describe('Seconds to connect to an upstream'),
  headers_timeout: z.number().positive().default(600).describe('Seconds to wait for upstream response headers'),
  body_timeout: z.number().positive().default(300).describe('Seconds of silence allowed between upstream body chunks'),
  keep_alive_timeout: z.number().positive().default(60).describe('Seconds an idle upstream connection is kept'),
  connections: z.number().int().positive().default(128).describe('Max connections per upstream origin'),
});

export const RouteTargetSchema = z.union([
  z.string(),
  z.object({ provider: z.string(), model: z.string().optional() }),
]);

export const RoutingSettingsSchema = z.object({
  default: z.string().optional().describe('Provider for models no rule matches'),
  models: z.record(z.string(), RouteTargetSchema).default({}).describe('Model name or glob → provider (or {provider, model})'),
  fallbacks: z.array(z.string()).default([]).describe('Providers tried in order on 429/5xx/connection errors before the first byte'),
});

export const SettingsSchema = z.object({
  server: ServerSettingsSchema.default(ServerSettingsSchema.parse({})),
  logging: LoggingSettingsSchema.default(LoggingSettingsSchema.parse({})),
  http: HttpSettingsSchema.default(HttpSettingsSchema.parse({})),
  routing: RoutingSettingsSchema.default(RoutingSettingsSchema.parse({})),
  state: StateSettingsSchema.default(StateSettingsSchema.parse({})).describe('Account-pool state: this process only, or shared through Redis by several instances'),
  plugin_dirs: z.array(z.string()).default([]).describe('Extra directories to load plugins from'),
  enabled_plugins: z.array(z.string()).optional().describe('Allow list: only these plugins load'),
  disabled_plugins: z.array(z.string()).default([]).describe('Deny list: these plugins never load'),
  plugin_init_timeout: z.number().positive().default(10).describe('Seconds a plugin may take to initialize'),
  health_timeout: z.number().positive().default(10).describe('Seconds all plugin health checks together may take'),
  plugins: z.record(z.string(), z.record(z.string(), z.unknown())).default({}).describe('Per-plugin sections'),
});

export type Settings = z.infer<typeof SettingsSchema>;
