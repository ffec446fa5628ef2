/**
 * The access_log plugin: one line per finished request (streams after their last byte), as JSON
 * to a size-rotated file under the XDG state dir and/or a short human line on stdout. Built from
 * the request events' metadata: no body, no header, no credential.
 */
import path from 'node:path';
import { requestRecord, type FinishedEvent, type Plugin as PluginShape } from '../../plugin.js';
import { AccessLogConfigSchema, type AccessLogConfig } from './config.js';
import { humanLine, jsonLine } from './line.js';
import { RotatingFile } from './rotating-file.js';

export const Plugin = (): PluginShape<AccessLogConfig> => {
  let config: AccessLogConfig | undefined;
  let file: RotatingFile | undefined;
  let filePath: string | undefined;
  let off: Array<() => void> = [];
  return {
    kind: 'plugin',
    name: 'access_log',
    version: '1.0.0',
    description: 'One line per request (JSON lines file, rotated by size, and/or stdout): metadata and token usage, no body',
    configSchema: AccessLogConfigSchema,
    async initialize(services) {
      const c = AccessLogConfigSchema.parse(services.getPluginConfig('access_log'));
      config = c;
      if (c.file) {
        filePath = c.path || path.join(services.stateDir, 'access.log');
        file = new RotatingFile(filePath, c.max_bytes, c.keep);
      }
      const write = (e: FinishedEvent): void => {
        const r = requestRecord(e);
        file?.write(jsonLine(r));
        if (c.stdout) process.stdout.write(humanLine(r));
      };
      off = [services.events.on('request.completed', write), services.events.on('request.failed', write)];
    },
    async shutdown() {
      for (const f of off.splice(0)) f();
      await file?.close();
      file = undefined;
    },
    createConfig() {
      if (!config) throw new Error('access_log is not initialized');
      return config;
    },
    async validate() {
      return config !== undefined;
    },
    getRoutes: () => null,
    async healthCheck() {
      const where = [filePath, config?.stdout ? 'stdout' : undefined].filter(Boolean).join(' and ');
      return { status: 'pass', componentId: 'access_log', componentType: 'plugin', output: where ? `writing to ${where}` : 'writing nowhere (file and stdout are off)' };
    },
    getScheduledTasks: () => [],
    startupInfo: () => ({ lines: filePath ? [`access log: ${filePath}`] : [] }),
  };
};
