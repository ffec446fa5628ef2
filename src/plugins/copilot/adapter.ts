/**
 * The copilot ProviderAdapter: any of the three client APIs → Copilot's Chat Completions API
 * (`POST <api>/chat/completions` with the Copilot token and the editor headers) → back into the
 * client's API, streamed or complete. A 401 before any byte means the Copilot token went stale
 * early: it is exchanged again (one exchange for everyone waiting) and the request sent once more.
 * Other upstream errors (429 with retry-after, premium-request limits, 5xx) reach the client in
 * its own API as the core renders them for every provider.
 */
import type { Logger } from 'pino';
import { UpstreamStats, convertRequest, estimatedTokenCount, jsonBytes, parseSseStream, upstreamClient, validateRequest, jsonAnswer, streamAnswer, type AdapterJsonResponse, type AdapterRequest, type AdapterResponse, type ApiFormat, type CoreServices, type JsonObject, type ModelAcceptance, type ModelInfo, type ProviderAdapter, type UpstreamResponse } from '../../plugin.js';
import { copilotAuth, type CopilotTokens } from './auth/copilot-token.js';
import { editorHeaders, type CopilotConfig } from './config.js';
import { modelAcceptance, resolveModel, type CopilotModels } from './models.js';

export interface CopilotAdapterDeps {
  config: CopilotConfig;
  tokens: CopilotTokens;
  models: CopilotModels;
  dispatcher: CoreServices['httpClient'];
  logger: Logger;
}

export class CopilotAdapter implements ProviderAdapter {
  readonly apis: readonly ApiFormat[] = ['anthropic', 'chat', 'responses'];
  /** What real requests last saw, for health (no extra call). */
  readonly stats = new UpstreamStats();
  private readonly headers: Record<string, string>;

  constructor(private readonly deps: CopilotAdapterDeps) {
    this.headers = { ...editorHeaders(deps.config), 'openai-intent': 'conversation-panel', 'content-type': 'application/json' };
  }

  async handle(req: AdapterRequest): Promise<AdapterResponse> {
    const clientBody = req.body.value();
    validateRequest(req.api, clientBody);
    const requested = req.modelOverride ?? (typeof clientBody.model === 'string' ? clientBody.model : undefined);
    const model = resolveModel(requested, this.deps.config, this.deps.models.ids);
    const stream = clientBody.stream === true;
    const onDrop = (field: string, reason: string): void => this.deps.logger.debug({ field, reason, requestId: req.requestId }, 'dropped field');
    const converted = req.api === 'chat' ? { ...clientBody } : convertRequest(req.api, 'chat', clientBody, { model, onDrop });
    const body: JsonObject = { ...converted, model, stream };
    // A chat client gets the usage chunk only when it asked for one; converted streams need it for their own usage.
    if (stream && req.api !== 'chat') body.stream_options = { ...(body.stream_options as JsonObject | undefined), include_usage: true };
    if (!stream) delete body.stream_options;
    this.deps.logger.debug({ requestId: req.requestId, requested, model, api: req.api }, 'copilot request');

    const res = await this.send(req, jsonBytes(body), stream);
    const convertOpts = { model, clientRequest: clientBody, onDrop };
    if (stream) return streamAnswer(req, 'chat', parseSseStream('chat', res.body), convertOpts);
    return jsonAnswer(req, 'chat', await res.body.json(), convertOpts);
  }

  /** Copilot has no counting endpoint; Claude Code asks before compacting. */
  async countTokens(req: AdapterRequest): Promise<AdapterJsonResponse> {
    return { kind: 'json', status: 200, body: estimatedTokenCount(req.body.value()) };
  }

  listModels(): Promise<ModelInfo[]> {
    return this.deps.models.list();
  }

  acceptsModel(model: string): ModelAcceptance | undefined {
    return modelAcceptance(model, this.deps.config, this.deps.models.ids);
  }

  private send(req: AdapterRequest, body: Buffer, stream: boolean): Promise<UpstreamResponse> {
    const { config, tokens } = this.deps;
    return upstreamClient(this.deps.dispatcher).request({
      url: `${config.api_base_url}/chat/completions`,
      headers: { ...this.headers, accept: stream ? 'text/event-stream' : 'application/json' },
      body,
      signal: req.abort,
      plugin: 'copilot',
      credential: { source: tokens, apply: (token) => copilotAuth(token, '/chat/completions') },
      // Bounds the wait for response headers only; a long stream is bounded by http.body_timeout.
      timeout: config.timeout,
      observer: req.observer,
      stats: this.stats,
    });
  }
}
