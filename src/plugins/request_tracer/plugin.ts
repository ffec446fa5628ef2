/**
 * The request_tracer plugin (off by default): each exchange, client → proxy and proxy → upstream,
 * headers and bodies, streams as received, credentials redacted, in one folder per request id
 * (`ccproxy trace list|show <id>` reads them). For debugging a client that misbehaves.
 */
import { definePlugin, requestRecord, type FinishedEvent } from '../../plugin.js';
import { RequestTracerConfigSchema } from './config.js';
import { traceDir } from './files.js';
import { TraceWriter } from './writer.js';

export const Plugin = definePlugin({
  kind: 'plugin',
  name: 'request_tracer',
  version: '1.0.0',
  description: 'Every exchange (headers and bodies, streams as received, credentials redacted) in a folder per request (off by default)',
  config: RequestTracerConfigSchema,
  async setup({ config, services }) {
    const dir = traceDir(config.dir, services.stateDir);
    const writer = new TraceWriter(dir, config.keep);
    const finish = (e: FinishedEvent): void => writer.finish(e.requestId, requestRecord(e));
    const off = [
      services.events.on('exchange', (p) => writer.piece(p)),
      services.events.on('request.completed', finish),
      services.events.on('request.failed', finish),
    ];
    return {
      health: () => ({ status: 'pass', componentId: 'request_tracer', componentType: 'plugin', output: `writing every request and response body to ${dir} (a debugging aid: turn it off when done)` }),
      startupInfo: () => ({ lines: [`request traces (bodies included): ${dir}`] }),
      close: async () => {
        for (const f of off) f();
        writer.close();
      },
    };
  },
});
