/**
 * ccproxy-plugin-request-log: a plugin that serves no model API. It listens to the core's
 * `request.completed` events and appends one JSON line per finished request (who served it,
 * model, status, duration, token usage; never the conversation) to a file.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PluginConfigSchema, definePlugin, z, type RequestEvents } from 'ccproxy-node/plugin';

export const RequestLogConfigSchema = PluginConfigSchema.extend({
  path: z.string().default('').describe('File the lines are appended to; empty: request-log.jsonl in ccproxy\'s state directory'),
});

export const Plugin = definePlugin({
  kind: 'plugin',
  name: 'request_log',
  version: '0.1.0',
  description: 'Appends one JSON line per finished request to a file (example plugin)',
  config: RequestLogConfigSchema,
  async setup({ config, services }) {
    const file = config.path || join(services.stateDir, 'request-log.jsonl');
    mkdirSync(dirname(file), { recursive: true });
    const out = createWriteStream(file, { flags: 'a' });
    let lines = 0;
    // Listeners run synchronously on the request path: take what is needed and hand it to the stream.
    const unsubscribe = services.events.on('request.completed', (event) => {
      out.write(`${JSON.stringify(logLine(event))}\n`);
      lines++;
    });
    return {
      health: async () => ({ status: 'pass', componentId: 'request_log', output: `${lines} requests logged to ${file}`, observedValue: lines }),
      close: async () => {
        unsubscribe();
        await new Promise<void>((resolve) => out.end(resolve));
      },
    };
  },
});

/** What a line says: metadata only. */
function logLine(event: RequestEvents['request.completed']): Record<string, unknown> {
  const { timestamp, requestId, plugin, api, model, status, durationMs, usage } = event;
  return { time: new Date(timestamp).toISOString(), requestId, plugin, api, model, status, durationMs: Math.round(durationMs), usage };
}
