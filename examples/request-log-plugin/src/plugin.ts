/**
 * ccproxy-plugin-request-log: a plugin that serves no model API. It listens to the core's
 * `request.completed` events and appends one JSON line per finished request (who served it,
 * model, status, duration, token usage; never the conversation) to a file.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  PluginConfigSchema,
  PluginError,
  z,
  type CoreServices,
  type HealthCheckResult,
  type Plugin as CcproxyPlugin,
  type RequestEvents,
  type ScheduledTaskDefinition,
} from 'ccproxy-node/plugin';

export const RequestLogConfigSchema = PluginConfigSchema.extend({
  path: z.string().default('').describe('File the lines are appended to; empty: request-log.jsonl in ccproxy\'s data directory'),
});
export type RequestLogConfig = z.infer<typeof RequestLogConfigSchema>;

interface State {
  config: RequestLogConfig;
  file: string;
  out: WriteStream;
  unsubscribe: () => void;
  lines: number;
}

export class Plugin implements CcproxyPlugin<RequestLogConfig> {
  readonly kind = 'plugin' as const;
  readonly name = 'request_log';
  readonly version = '0.1.0';
  readonly description = 'Appends one JSON line per finished request to a file (example plugin)';
  readonly configSchema = RequestLogConfigSchema;
  private state: State | undefined;

  async initialize(services: CoreServices): Promise<void> {
    const config = RequestLogConfigSchema.parse(services.getPluginConfig(this.name));
    const file = config.path || join(services.dataDir, 'request-log.jsonl');
    mkdirSync(dirname(file), { recursive: true });
    const out = createWriteStream(file, { flags: 'a' });
    // Listeners run synchronously on the request path: take what is needed and hand it to the stream.
    const unsubscribe = services.events.on('request.completed', (event) => this.write(event));
    this.state = { config, file, out, unsubscribe, lines: 0 };
  }

  async shutdown(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    if (!state) return;
    state.unsubscribe();
    await new Promise<void>((resolve) => state.out.end(resolve));
  }

  createConfig(): RequestLogConfig {
    return this.need().config;
  }

  async validate(): Promise<boolean> {
    return this.state !== undefined;
  }

  /** No routes of its own. */
  getRoutes(): null {
    return null;
  }

  async healthCheck(): Promise<HealthCheckResult> {
    const { file, lines } = this.need();
    return { status: 'pass', componentId: this.name, output: `${lines} requests logged to ${file}`, observedValue: lines };
  }

  getScheduledTasks(): ScheduledTaskDefinition[] {
    return [];
  }

  private write(event: RequestEvents['request.completed']): void {
    const state = this.state;
    if (!state) return;
    const { timestamp, requestId, plugin, api, model, status, durationMs, usage } = event;
    state.out.write(`${JSON.stringify({ time: new Date(timestamp).toISOString(), requestId, plugin, api, model, status, durationMs: Math.round(durationMs), usage })}\n`);
    state.lines++;
  }

  private need(): State {
    if (!this.state) throw new PluginError(this.name, 'request_log used before initialize()');
    return this.state;
  }
}
