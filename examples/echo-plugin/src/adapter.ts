/**
 * The echo ProviderAdapter: serves all three client APIs. The client's request is read as Chat
 * Completions (converted when the client spoke another API), answered as Chat Completions, and
 * the answer converted back to the client's API, streamed or complete.
 */
import {
  convertRequest,
  jsonAnswer,
  streamAnswer,
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
    // Answered in Chat Completions; streamAnswer / jsonAnswer convert it to the client's API.
    if (body.stream === true) return streamAnswer(req, 'chat', echoChunks(echo), opts);
    return jsonAnswer(req, 'chat', echoCompletion(echo), opts);
  }

  async listModels(): Promise<ModelInfo[]> {
    return [{ id: this.config.model, ownedBy: 'echo' }];
  }
}
