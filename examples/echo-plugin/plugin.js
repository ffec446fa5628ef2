/**
 * ccproxy-plugin-echo: the smallest useful provider plugin, packaged on its own. ccproxy finds it
 * in node_modules through the `"ccproxy": { "plugin": "./plugin.js" }` field of package.json.
 * It serves `POST /echo/v1/chat/completions` (answering with the last user message) and
 * `GET /echo/v1/models`. Plain ESM JavaScript, so there is no build step.
 */
import { z } from 'zod';

export const EchoConfigSchema = z.object({
  enabled: z.boolean().default(true).describe('Load and start this plugin'),
  priority: z.number().int().default(0).describe('Ordering among providers; higher first'),
  model: z.string().min(1).default('echo-1').describe('Model name reported in responses and /v1/models'),
  prefix_text: z.string().default('').describe('Text put before every echoed message'),
});

/** The text of the last user message; content may be a string or a list of parts. */
export function lastUserText(messages) {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) {
      return m.content.filter((p) => p && p.type === 'text' && typeof p.text === 'string').map((p) => p.text).join('');
    }
  }
  return undefined;
}

function openAiError(message) {
  return { error: { message, type: 'invalid_request_error', code: null } };
}

/** A Chat Completions response (or SSE text when the request asked to stream). */
export function echoCompletion(body, config) {
  const text = `${config.prefix_text}${lastUserText(body.messages) ?? ''}`;
  const id = `chatcmpl-echo-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const model = typeof body.model === 'string' ? body.model : config.model;
  const tokens = text.split(/\s+/).filter(Boolean).length;
  const usage = { prompt_tokens: tokens, completion_tokens: tokens, total_tokens: tokens * 2 };
  if (body.stream !== true) {
    return {
      kind: 'json', status: 200,
      body: {
        id, object: 'chat.completion', created, model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage,
      },
    };
  }
  const chunk = (delta, finish) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  const events = [chunk({ role: 'assistant', content: '' }, null), chunk({ content: text }, null), chunk({}, 'stop')]
    .map((c) => `data: ${JSON.stringify(c)}\n\n`);
  events.push('data: [DONE]\n\n');
  return { kind: 'stream', status: 200, headers: { 'content-type': 'text/event-stream' }, events };
}

class EchoAdapter {
  apis = ['chat'];
  constructor(config) { this.config = config; }
  // request.body is the core's lazy JsonBody: value() parses it (see docs/plugin-development.md).
  async handle(request) { return echoCompletion(request.body.value(), this.config); }
  async listModels() { return [{ id: this.config.model, ownedBy: 'echo' }]; }
}

export class Plugin {
  kind = 'provider';
  name = 'echo';
  version = '0.1.0';
  description = 'Echoes the last user message (example external plugin)';
  routerPrefix = '/echo';
  configSchema = EchoConfigSchema;
  #config = EchoConfigSchema.parse({});

  async initialize(services) {
    this.#config = EchoConfigSchema.parse(services.getPluginConfig(this.name));
  }

  async shutdown() {}

  createConfig() { return this.#config; }

  async validate() { return true; }

  getRoutes() {
    const config = () => this.#config;
    return async (app) => {
      app.post('/v1/chat/completions', async (request, reply) => {
        // The core parser hands every route a JsonBody (a checked JSON object, parsed on demand).
        const body = request.body?.value();
        if (!body || !Array.isArray(body.messages)) return reply.code(400).send(openAiError('messages must be an array'));
        const res = echoCompletion(body, config());
        if (res.kind === 'json') return reply.code(res.status).send(res.body);
        return reply.code(res.status).header('content-type', 'text/event-stream').send(res.events.join(''));
      });
      app.get('/v1/models', async () => ({ object: 'list', data: [{ id: config().model, object: 'model', created: 0, owned_by: 'echo' }] }));
    };
  }

  async healthCheck() {
    return { status: 'pass', componentId: 'plugin-echo', componentType: 'provider_plugin', output: 'echo is always ready' };
  }

  getScheduledTasks() { return []; }

  createAdapter() { return new EchoAdapter(this.#config); }

  startupInfo() {
    return { lines: ['answers with the last user message'], credentials: { ok: true, message: 'no credentials needed' } };
  }
}
