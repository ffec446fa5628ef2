/**
 * The acme ProviderAdapter: a request on any of the three client APIs becomes a Chat Completions
 * request to the upstream, and its answer (streamed or not) goes back in the client's API. The
 * formats helpers of `ccproxy-node/plugin` do every conversion; the core renders every error.
 */
import {
  AuthError,
  convertRequest,
  jsonAnswer,
  jsonBytes,
  parseSseStream,
  streamAnswer,
  upstreamRequest,
  validateRequest,
  type AdapterRequest,
  type AdapterResponse,
  type ApiFormat,
  type CoreServices,
  type JsonObject,
  type ModelInfo,
  type ProviderAdapter,
  type UpstreamResponse,
} from 'ccproxy-node/plugin';
import type { AcmeConfig } from './config.js';

export class AcmeAdapter implements ProviderAdapter {
  readonly apis: readonly ApiFormat[] = ['anthropic', 'chat', 'responses'];

  constructor(
    private readonly config: AcmeConfig,
    private readonly apiKey: string | undefined,
    private readonly dispatcher: CoreServices['httpClient'],
  ) {}

  async handle(req: AdapterRequest): Promise<AdapterResponse> {
    const client = req.body.value();
    validateRequest(req.api, client);
    const model = req.modelOverride ?? (typeof client.model === 'string' ? client.model : this.config.default_model);
    const stream = client.stream === true;
    const opts = { model, clientRequest: client };
    const body: JsonObject = { ...convertRequest(req.api, 'chat', client, opts), model, stream };
    // Streamed Chat answers carry token usage only when asked for.
    if (stream) body.stream_options = { include_usage: true };
    const res = await this.call('POST', '/chat/completions', req, jsonBytes(body), stream);
    // The answer in the client's API, its token usage reported to ccproxy (request.completed).
    if (stream) return streamAnswer(req, 'chat', parseSseStream('chat', res.body), opts);
    return jsonAnswer(req, 'chat', await res.body.json(), opts);
  }

  async listModels(): Promise<ModelInfo[]> {
    const res = await this.call('GET', '/models');
    const list = (await res.body.json()) as { data?: Array<{ id: string; created?: number }> };
    return (list.data ?? []).map((m) => ({ id: m.id, created: m.created, ownedBy: 'acme' }));
  }

  /** One upstream call with our key (never the client's); an error status throws an UpstreamError the core renders. */
  private async call(method: 'GET' | 'POST', path: string, req?: AdapterRequest, body?: Uint8Array, stream = false): Promise<UpstreamResponse> {
    if (!this.apiKey) throw new AuthError(`acme: no API key; set ${this.config.api_key_env}`, { plugin: 'acme' });
    return upstreamRequest({
      dispatcher: this.dispatcher,
      method,
      url: `${this.config.base_url.replace(/\/+$/, '')}${path}`,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        accept: stream ? 'text/event-stream' : 'application/json',
      },
      body,
      // The client went away: the upstream request is aborted too.
      signal: req?.abort,
      plugin: 'acme',
    });
  }
}
