/**
 * The access_log plugin: one line per finished request (streams after their last byte), as JSON
 * to a size-rotated file under the XDG state dir and/or a short human line on stdout. Built from
 * the request events' metadata: no body, no header, no credential.
 */
import path from 'node:path';
import { definePlugin, requestRecord, type FinishedEvent } from '../../plugin.js';
import { AccessLogConfigSchema } from './config.js';
import { humanLine, jsonLine } from './line.js';
import { RotatingFile } from './rotating-file.js';

export const Plugin = definePlugin({
  kind: 'plugin',
  name: 'access_log',
  version: '1.0.0',
  description: 'One line per request (JSON lines file, rotated by size, and/or stdout): metadata and token usage, no body',
  config: AccessLogConfigSchema,
  async setup({ config, services }) {
    const filePath = config.file ? config.path || path.join(services.stateDir, 'access.log') : undefined;
    const file = filePath ? new RotatingFile(filePath, config.max_bytes, config.keep) : undefined;
    const write = (e: FinishedEvent): void => {
      const r = requestRecord(e);
      file?.write(jsonLine(r));
      if (config.stdout) process.stdout.write(humanLine(r));
    };
    const off = [services.events.on('request.completed', write), services.events.on('request.failed', write)];
    const where = [filePath, config.stdout ? 'stdout' : undefined].filter(Boolean).join(' and ');
    return {
      health: () => ({ status: 'pass', componentId: 'access_log', componentType: 'plugin', output: where ? `writing to ${where}` : 'writing nowhere (file and stdout are off)' }),
      startupInfo: () => ({ lines: filePath ? [`access log: ${filePath}`] : [] }),
      close: async () => {
        for (const f of off) f();
        await file?.close();
      },
    };
  },
});
