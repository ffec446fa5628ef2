/**
 * The echo ProviderAdapter: serves all three client APIs. The client's request is read as Chat
 * Completions (converted when the client spoke another API), answered as Chat Completions, and
 * the answer converted back to the client's API, streamed or complete.
 */
import {
  convertRequest,
  convertResponse,
  convertStream,
  serializeSseStream,
  validateRequest,
  type AdapterRequest,
  type AdapterResponse,
  type ApiFormat,
  type ModelInfo,
  type ProviderAdapter,
} from 'ccproxy-node/plugin';
import type { EchoConfig } from './config.js';
import { echoChunks, echoCompletion, lastUserText, type Echo } from './echo.js';

export class EchoAdapter implements ProviderAdapter {
  readonly apis: readonly ApiFormat[] = ['anthropic', 'chat', 'responses'];

  constructor(private readonly config: EchoConfig) {}

  async handle(req: AdapterRequest): Promise<AdapterResponse> {
    const body = req.body.value();
    // A body that is not a valid request of its API becomes a 400 naming the field.
    validateRequest(req.api, body);
    const model = req.modelOverride ?? (typeof body.model === 'string' ? body.model : this.config.model);
    const opts = { model, clientRequest: body };
    const echo: Echo = {
      id: `chatcmpl-echo-${req.requestId}`,
      created: Math.floor(Date.now() / 1000),
      model,
      text: `${this.config.prefix_text}${lastUserText(convertRequest(req.api, 'chat', body, opts), req.api === 'responses' ? 'input' : 'messages')}`,
    };
    // Present when a plugin listens to request.completed: fed the answer, it reports its token usage there.
    const meter = req.observer?.meter('chat', model);
    if (body.stream === true) {
      const chunks = meter ? meter.tap(echoChunks(echo)) : echoChunks(echo);
      const events = convertStream('chat', req.api, chunks, opts);
      return { kind: 'stream', status: 200, events: serializeSseStream(req.api, events, { requestId: req.requestId }) };
    }
    const completion = echoCompletion(echo);
    meter?.response(completion);
    return { kind: 'json', status: 200, body: convertResponse('chat', req.api, completion, opts) };
  }

  async listModels(): Promise<ModelInfo[]> {
    return [{ id: this.config.model, ownedBy: 'echo' }];
  }
}
