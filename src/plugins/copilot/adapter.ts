/**
 * The copilot ProviderAdapter: any of the three client APIs → Copilot's Chat Completions API
 * (`POST <api>/chat/completions` with the Copilot token and the editor headers) → back into the
 * client's API, streamed or complete. A 401 before any byte means the Copilot token went stale
 * early: it is exchanged again (one exchange for everyone waiting) and the request sent once more.
 * Other upstream errors (429 with retry-after, premium-request limits, 5xx) reach the client in
 * its own API as the core renders them for every provider.
 */
import type { Logger } from 'pino';
import { UpstreamConnectionError, UpstreamError, UpstreamUnreadableError, convertRequest, convertResponse, convertStream, estimatedTokenCount, jsonBytes, parseSseStream, serializeSseStream, unreadableAnswer, upstreamRequest, validateRequest, type AdapterJsonResponse, type AdapterRequest, type AdapterResponse, type ApiFormat, type CoreServices, type JsonObject, type ModelAcceptance, type ModelInfo, type ProviderAdapter, type UpstreamResponse } from '../../plugin.js';
import type { CopilotToken, CopilotTokens } from './auth/copilot-token.js';
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
  /** Last upstream outcome, for health (no extra call). */
  lastUpstream: { status: number; at: number } | null = null;
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
    if (stream) {
      const meter = req.observer?.meter('chat', model);
      const parsed = parseSseStream('chat', res.body);
      const events = meter ? meter.tap(parsed) : parsed;
      return { kind: 'stream', status: 200, events: serializeSseStream(req.api, convertStream('chat', req.api, events, convertOpts), { requestId: req.requestId }) };
    }
    const parsed: unknown = await res.body.json();
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UpstreamUnreadableError('a response body that is not a JSON object', { plugin: 'copilot' });
    const json = parsed as JsonObject;
    try {
      req.observer?.meter('chat', model).response(json);
      return { kind: 'json', status: 200, body: convertResponse('chat', req.api, json, convertOpts) };
    } catch (err) {
      throw unreadableAnswer('chat', err, json);
    }
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

  private async send(req: AdapterRequest, body: Buffer, stream: boolean): Promise<UpstreamResponse> {
    const { tokens } = this.deps;
    const token = tokens.peek() ?? (await tokens.get());
    try {
      return await this.post(req, token, body, stream);
    } catch (err) {
      if (!(err instanceof UpstreamError && err.upstreamStatus === 401)) throw err;
      this.deps.logger.info({ requestId: req.requestId }, 'Copilot refused its token (401): exchanging it again');
      return this.post(req, await tokens.refreshAfter(token), body, stream);
    }
  }

  private async post(req: AdapterRequest, token: CopilotToken, body: Buffer, stream: boolean): Promise<UpstreamResponse> {
    const { config } = this.deps;
    // Bound the wait for response headers only; a long stream is bounded by http.body_timeout.
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new Error('header timeout')), config.timeout * 1000);
    timeout.unref();
    const started = performance.now();
    try {
      const res = await upstreamRequest({
        dispatcher: this.deps.dispatcher,
        url: `${token.apiBase}/chat/completions`,
        headers: { ...this.headers, authorization: `Bearer ${token.token}`, accept: stream ? 'text/event-stream' : 'application/json' },
        body,
        signal: AbortSignal.any([req.signal, timer.signal]),
        plugin: 'copilot',
      });
      this.lastUpstream = { status: res.status, at: Date.now() };
      req.observer?.upstreamResponse(res.status, performance.now() - started);
      return res;
    } catch (err) {
      if (timer.signal.aborted && !req.signal.aborted) {
        throw new UpstreamConnectionError(`copilot: no response from ${new URL(token.apiBase).origin} within ${config.timeout}s`, { plugin: 'copilot', status: 504, cause: err });
      }
      if (err instanceof UpstreamError) this.lastUpstream = { status: err.upstreamStatus, at: Date.now() };
      throw err;
    } finally {
      clearTimeout(timeout);
    }
  }
}
