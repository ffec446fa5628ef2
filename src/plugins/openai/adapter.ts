/**
 * The openai ProviderAdapter for one instance: any of the three client APIs → the upstream's API
 * (`upstream_format`) → back into the client's API, streamed or complete.
 *
 * Request path: client body → model (`model_map`/`default_model`) → convert when the APIs differ
 * → `POST <base_url>/chat/completions` or `/responses` with a configured key (never the
 * client's). With several keys the pool picks one (the conversation's, while it is ready); a 429
 * cools that key down until its `retry-after` and a refused key fails, and the request goes to the
 * next key before anything reached the client. Chat upstreams are normalized for known quirks (chat-quirks.ts) before anything else
 * reads them. Same-API streams are still parsed and re-written (usage is read on the way).
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { AuthError, UpstreamStats, affinityKey, UpstreamUnreadableError, upstreamClient, convertRequest, convertResponse, estimatedTokenCount, parseSseStream, unreadableAnswer, validateRequest, jsonBytes, streamAnswer, type AdapterJsonResponse, type AdapterRequest, type AdapterResponse, type ApiFormat, type ModelAcceptance, type ModelInfo, type ProviderAdapter, type UpstreamError, type UpstreamResponse, type JsonObject, type AccountPool } from '../../plugin.js';
import { bearer, isLocalUrl, type InstanceSettings } from './config.js';
import { normalizeChatCompletion, normalizeChatStream } from './chat-quirks.js';
import { modelAcceptance, resolveModel, type ModelCatalog } from './models.js';

export interface OpenAIAdapterDeps {
  /** `openai` or `openai.<name>`. */
  provider: string;
  settings: InstanceSettings;
  /** The instance's keys (one in a plain setup). */
  pool: AccountPool<() => string | undefined>;
  catalog: ModelCatalog;
  dispatcher: Dispatcher;
  logger: Logger;
}

const PATH: Record<'chat' | 'responses', string> = { chat: '/chat/completions', responses: '/responses' };

export class OpenAIAdapter implements ProviderAdapter {
  readonly apis: readonly ApiFormat[] = ['anthropic', 'chat', 'responses'];
  /** What real requests last saw, for health (no extra call). */
  readonly stats = new UpstreamStats();
  private readonly upstreamApi: 'chat' | 'responses';

  constructor(private readonly deps: OpenAIAdapterDeps) {
    this.upstreamApi = deps.settings.upstream_format === 'responses' ? 'responses' : 'chat';
  }

  async handle(req: AdapterRequest): Promise<AdapterResponse> {
    const { settings, logger, provider } = this.deps;
    const clientBody = req.body.value();
    // The body is read and rewritten (model, limits, conversion) even for the upstream's own API.
    validateRequest(req.api, clientBody);
    const requested = req.modelOverride ?? (typeof clientBody.model === 'string' ? clientBody.model : undefined);
    const model = resolveModel(requested, settings);
    const stream = clientBody.stream === true;
    const onDrop = (field: string, reason: string): void => logger.debug({ field, reason, requestId: req.requestId }, 'dropped field');
    const body = this.upstreamBody(req.api, clientBody, model, stream, onDrop);
    logger.debug({ requestId: req.requestId, requested, model, api: req.api, upstream: this.upstreamApi }, 'openai request');

    const res = await this.send(req, body, stream);
    const convertOpts = { model, clientRequest: clientBody, onDrop };
    const from = this.upstreamApi;

    if (stream) {
      const events = parseSseStream(from, res.body);
      return streamAnswer(req, from, from === 'chat' ? normalizeChatStream(events) : events, convertOpts);
    }
    let json = await readJson(res, provider);
    try {
      if (from === 'chat') json = normalizeChatCompletion(json);
      req.observer?.meter(from, model).response(json);
      return { kind: 'json', status: 200, body: convertResponse(from, req.api, json, convertOpts) };
    } catch (err) {
      throw unreadableAnswer(from, err, json);
    }
  }

  /** OpenAI-compatible servers have no counting endpoint; Claude Code asks before compacting. */
  async countTokens(req: AdapterRequest): Promise<AdapterJsonResponse> {
    return { kind: 'json', status: 200, body: estimatedTokenCount(req.body.value()) };
  }

  async listModels(): Promise<ModelInfo[]> {
    return this.deps.catalog.list();
  }

  acceptsModel(model: string): ModelAcceptance | undefined {
    return modelAcceptance(model, this.deps.settings);
  }

  /** The client's body in the upstream's API, with the model and the configured limits applied. */
  private upstreamBody(api: ApiFormat, clientBody: JsonObject, model: string, stream: boolean, onDrop: (f: string, r: string) => void): JsonObject {
    const to = this.upstreamApi;
    const converted = api === to ? { ...clientBody } : convertRequest(api, to, clientBody, { model, onDrop });
    const body: JsonObject = { ...converted, model, stream };
    if (!stream) delete body.stream_options;
    if (to === 'chat' && stream && api !== 'chat' && this.deps.settings.stream_usage) {
      body.stream_options = { ...(body.stream_options as JsonObject | undefined), include_usage: true };
    }
    if (to === 'chat' && stream && !this.deps.settings.stream_usage) delete body.stream_options;
    for (const field of this.deps.settings.drop_params) {
      if (field in body) {
        delete body[field];
        onDrop(field, 'drop_params');
      }
    }
    const cap = this.deps.settings.max_output_tokens;
    if (cap) {
      for (const field of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
        if (typeof body[field] === 'number' && (body[field] as number) > cap) body[field] = cap;
      }
    }
    return body;
  }

  private send(req: AdapterRequest, body: JsonObject, stream: boolean): Promise<UpstreamResponse> {
    const { settings, provider, pool } = this.deps;
    const bytes = jsonBytes(body);
    const affinity = (): string | undefined => affinityKey(req.api, req.body, req.headers);
    return upstreamClient(this.deps.dispatcher).pooled(pool, { affinity, stats: this.stats }, (member) => ({
      url: `${settings.base_url.replace(/\/+$/, '')}${PATH[this.upstreamApi]}`,
      headers: {
        ...settings.headers,
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
      },
      body: bytes,
      signal: req.abort,
      plugin: provider,
      credential: { source: { token: () => this.configuredKey(member.value) }, apply: bearer },
      // Bounds the wait for response headers only; a long stream is bounded by http.body_timeout.
      timeout: settings.timeout,
      observer: req.observer,
      // In a pool, a refused key is that key's failure: the next key serves.
      ...(pool.pooled ? { upstreamError: (err: UpstreamError) => refusedKey(err, member.name, provider) } : {}),
    }));
  }

  /** The key, or none for a local server; a remote one without a key is a setup problem the client hears about. */
  private configuredKey(apiKey: () => string | undefined): string | undefined {
    const { settings, provider } = this.deps;
    const key = apiKey();
    if (!key && !isLocalUrl(settings.base_url)) {
      throw new AuthError(
        `No API key configured for provider "${provider}" (${settings.base_url}): set api_key or api_key_env in its [plugins.openai] section`,
        { plugin: provider },
      );
    }
    return key;
  }
}

function refusedKey(err: UpstreamError, name: string, provider: string): AuthError | undefined {
  if (err.upstreamStatus !== 401 && err.upstreamStatus !== 403) return undefined;
  return new AuthError(`${provider}: the upstream refused key ${name} (HTTP ${err.upstreamStatus}): ${err.message}`, { plugin: provider, cause: err });
}

/** A 2xx body that is not a JSON object (an HTML page from a proxy, a truncated body) is a 502, not our 500. */
async function readJson(res: UpstreamResponse, provider: string): Promise<JsonObject> {
  const parsed = await res.body.json();
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as JsonObject;
  throw new UpstreamUnreadableError('a response body that is not a JSON object', { plugin: provider });
}
