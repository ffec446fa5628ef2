/**
 * ccproxy-plugin-echo: a provider plugin packaged on its own, importing nothing from ccproxy but
 * its public entry `ccproxy-node/plugin`. ccproxy finds it in node_modules through the
 * `"ccproxy": { "plugin": "./dist/plugin.js" }` field of package.json and mounts it under /echo:
 * `POST /echo/v1/messages`, `/echo/v1/chat/completions`, `/echo/v1/responses` (streaming
 * included) and `GET /echo/v1/models`, all answering with the last user message.
 */
import { definePlugin } from 'ccproxy-node/plugin';
import { EchoAdapter } from './adapter.js';
import { EchoConfigSchema } from './config.js';

export const Plugin = definePlugin({
  kind: 'provider',
  name: 'echo',
  version: '0.2.0',
  description: 'Echoes the last user message (example external plugin)',
  prefix: '/echo',
  config: EchoConfigSchema,
  async setup({ config }) {
    return {
      // Its standard model routes under /echo come with it.
      adapter: new EchoAdapter(config),
      health: async () => ({ status: 'pass', componentId: 'echo', componentType: 'provider', output: 'echo is always ready' }),
      startupInfo: () => ({ lines: ['answers with the last user message'], credentials: { ok: true, message: 'no credentials needed' } }),
    };
  },
});
