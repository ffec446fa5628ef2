/**
 * The claude_api adapter. Anthropic clients get a byte-faithful passthrough: the client's bytes go
 * upstream with exactly the top-level values the required edits change replaced (see
 * request-body.ts), and the upstream's
 * SSE bytes or JSON body come back unchanged. Chat and Responses clients go through the formats
 * layer (openai-bridge.ts).
 */
import type { Logger } from 'pino';
import { affinityKey, type UsageMeter, type AdapterJsonResponse, type AdapterRequest, type AdapterResponse, type ApiFormat, type ModelAcceptance, type ModelInfo, type ProviderAdapter, type UpstreamResponse, type JsonBody } from '../../plugin.js';
import type { UpstreamCredential } from './auth/token-source.js';

type CredentialKind = UpstreamCredential['kind'];
import type { ClaudeApiConfig } from './config.js';
import type { ClaudeDetector } from './detection.js';
import { listModels, modelAcceptance } from './models.js';
import { handleOpenAiRequest } from './openai-bridge.js';
import { checkMessagesBody, messagesBodyChanges, prepareMessagesBody, type JsonObject, type PrepareOptions } from './request-body.js';
import type { ClaudeUpstream } from './upstream-call.js';

/** Upstream response headers a client may care about (request ids, rate-limit state). */
const PASS_HEADERS = /^(request-id|anthropic-ratelimit-.*|retry-after|x-should-retry|anthropic-organization-id)$/;

export class ClaudeApiAdapter implements ProviderAdapter {
  readonly apis: readonly ApiFormat[] = ['anthropic', 'chat', 'responses'];

  constructor(
    readonly config: ClaudeApiConfig,
    readonly upstream: ClaudeUpstream,
    readonly detector: ClaudeDetector,
    readonly logger?: Pick<Logger, 'debug'>,
  ) {}

  async handle(request: AdapterRequest): Promise<AdapterResponse> {
    if (request.api !== 'anthropic') return handleOpenAiRequest(this, request);
    const body = request.body;
    checkMessagesBody(body);
    const res = await this.upstream.call({
      path: '/v1/messages',
      clientHeaders: request.headers,
      stream: body.get('stream') === true,
      signal: request.abort,
      body: (kind) => this.bodyBytes(body, kind, request.modelOverride),
      affinity: () => affinityKey(request.api, body, request.headers),
      observer: request.observer,
    });
    return passThrough(res, request);
  }

  async countTokens(request: AdapterRequest): Promise<AdapterJsonResponse> {
    // count_tokens takes no `stream`; the rest of the body is a Messages body.
    checkMessagesBody(request.body);
    const res = await this.upstream.call({
      path: '/v1/messages/count_tokens',
      clientHeaders: request.headers,
      stream: false,
      signal: request.abort,
      body: (kind) => this.bodyBytes(request.body, kind, request.modelOverride),
      affinity: () => affinityKey(request.api, request.body, request.headers),
    });
    return { kind: 'json', status: res.status, headers: passHeaders(res, 'application/json'), body: await res.body.bytes() };
  }

  async listModels(): Promise<ModelInfo[]> {
    return listModels(this.config);
  }

  acceptsModel(model: string): ModelAcceptance | undefined {
    return modelAcceptance(model, this.config);
  }

  /** The client's bytes for a credential kind, with exactly the top-level values the edits change replaced (the same bytes when none). */
  bodyBytes(body: JsonBody, kind: CredentialKind, modelOverride?: string): Buffer {
    const { changes, edits } = messagesBodyChanges(body, this.prepareOptions(kind));
    if (modelOverride !== undefined) changes.model = modelOverride;
    if (edits.length) this.logger?.debug({ edits }, 'request body edited');
    return body.with(changes);
  }

  /** The same edits on a body the proxy built (a converted Chat or Responses request). */
  prepare(body: JsonObject, kind: CredentialKind): ReturnType<typeof prepareMessagesBody> {
    return prepareMessagesBody(body, this.prepareOptions(kind));
  }

  private prepareOptions(kind: CredentialKind): PrepareOptions {
    return {
      injection: kind === 'oauth' ? this.config.system_prompt_injection : 'none',
      detectedSystem: this.detector.current().systemPrompt,
      maxBreakpoints: this.config.max_cache_breakpoints,
    };
  }
}

function passHeaders(res: UpstreamResponse, contentType: string): Record<string, string> {
  const out: Record<string, string> = { 'content-type': contentType };
  const headers = res.headers;
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined && PASS_HEADERS.test(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Stream the upstream SSE bytes through untouched, or hand back its JSON bytes. */
async function passThrough(res: UpstreamResponse, request: AdapterRequest): Promise<AdapterResponse> {
  const ct = String(res.headers['content-type'] ?? '');
  if (ct.includes('event-stream')) {
    const meter = request.observer?.meter('anthropic');
    // Unmetered, the upstream body itself: no generator, which allocated ≈ 1.4 KB per request here.
    const events = meter ? metered(res.body, meter) : res.body;
    return { kind: 'stream', status: res.status, headers: passHeaders(res, ct), events };
  }
  const bytes = await res.body.bytes();
  const meter = request.observer?.meter('anthropic');
  if (meter) {
    try {
      meter.response(JSON.parse(bytes.toString('utf8')));
    } catch {
      /* non-JSON success bodies still pass through */
    }
  }
  return { kind: 'json', status: res.status, headers: passHeaders(res, ct || 'application/json'), body: bytes };
}

/** The bytes as they come, metered for usage. A failure propagates: the core ends the stream with the API's error event. */
async function* metered(body: AsyncIterable<Buffer>, meter: UsageMeter): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    meter.sse(chunk);
    yield chunk;
  }
}
