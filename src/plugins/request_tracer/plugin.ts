/**
 * The request_tracer plugin (off by default): each exchange, client → proxy and proxy → upstream,
 * headers and bodies, streams as received, credentials redacted, in one folder per request id
 * (`ccproxy trace list|show <id>` reads them). For debugging a client that misbehaves.
 */
import { requestRecord, type FinishedEvent, type Plugin as PluginShape } from '../../plugin.js';
import { RequestTracerConfigSchema, type RequestTracerConfig } from './config.js';
import { traceDir } from './files.js';
import { TraceWriter } from './writer.js';

export const Plugin = (): PluginShape<RequestTracerConfig> => {
  let config: RequestTracerConfig | undefined;
  let writer: TraceWriter | undefined;
  let dir = '';
  let off: Array<() => void> = [];
  return {
    kind: 'plugin',
    name: 'request_tracer',
    version: '1.0.0',
    description: 'Every exchange (headers and bodies, streams as received, credentials redacted) in a folder per request (off by default)',
    configSchema: RequestTracerConfigSchema,
    async initialize(services) {
      config = RequestTracerConfigSchema.parse(services.getPluginConfig('request_tracer'));
      dir = traceDir(config.dir, services.stateDir);
      const w = new TraceWriter(dir, config.keep);
      writer = w;
      const finish = (e: FinishedEvent): void => w.finish(e.requestId, requestRecord(e));
      off = [
        services.events.on('exchange', (p) => w.piece(p)),
        services.events.on('request.completed', finish),
        services.events.on('request.failed', finish),
      ];
    },
    async shutdown() {
      for (const f of off.splice(0)) f();
      writer?.close();
      writer = undefined;
    },
    createConfig() {
      if (!config) throw new Error('request_tracer is not initialized');
      return config;
    },
    async validate() {
      return writer !== undefined;
    },
    getRoutes: () => null,
    async healthCheck() {
      return { status: writer ? 'pass' : 'fail', componentId: 'request_tracer', componentType: 'plugin', output: `writing every request and response body to ${dir} (a debugging aid: turn it off when done)` };
    },
    getScheduledTasks: () => [],
    startupInfo: () => ({ lines: [`request traces (bodies included): ${dir}`] }),
  };
};
