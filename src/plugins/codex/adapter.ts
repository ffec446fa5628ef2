/**
 * The codex ProviderAdapter: any of the three client APIs → one ChatGPT Codex backend request
 * (Responses, always streamed) → back into the client's API, streamed or accumulated.
 *
 * Request path: client body → (convert to Responses) → model map + effort → shapeCodexRequest →
 * POST <base_url>/responses through the upstream client with an account's token (refresh + retry once on 401). With several
 * accounts the pool picks one (the conversation's, while it is ready), and a usage limit or a
 * token no refresh fixes moves the request to the next account before anything reached the client.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { AuthError, UpstreamStats, affinityKey, upstreamClient, jsonBytes, accumulateStream, convertRequest, dropForeignReasoning, estimatedTokenCount, parseSseStream, validateRequest, jsonAnswer, streamAnswer, type AdapterJsonResponse, type AdapterRequest, type AdapterResponse, type ApiFormat, type ModelAcceptance, type ModelInfo, type ProviderAdapter, type JsonObject, type StreamEvent, type AccountPool } from '../../plugin.js';
import type { CodexCredentials } from './auth/credentials.js';
import type { CodexTokenManager } from './auth/token-manager.js';
import type { CodexConfig } from './config.js';
import type { CodexDetection } from './detection-types.js';
import { modelAcceptance, requestedEffort, resolveModel } from './models.js';
import { shapeCodexRequest } from './upstream-request.js';
import { throwIfFailed, usageLimitError } from './upstream-errors.js';

const PLUGIN = 'codex';

export interface CodexAdapterDeps {
  config: CodexConfig;
  /** The accounts (one in a plain setup). */
  pool: AccountPool<CodexTokenManager>;
  /** Detected CLI data for the model the request goes to. */
  detection: (model: string) => CodexDetection;
  dispatcher: Dispatcher;
  logger: Logger;
}

export class CodexAdapter implements ProviderAdapter {
  readonly apis: readonly ApiFormat[] = ['anthropic', 'chat', 'responses'];
  /** What real requests last saw, for health (no extra paid call). */
  readonly stats = new UpstreamStats();
  /** Latest `codex.rate_limits` the backend streamed per account (subscription window usage), for health. */
  readonly rateLimits = new Map<string, { at: number; data: Record<string, unknown> }>();

  constructor(private readonly deps: CodexAdapterDeps) {}

  async handle(req: AdapterRequest): Promise<AdapterResponse> {
    const { config, logger } = this.deps;
    const body = req.body.value();
    // Every API is rewritten for the ChatGPT backend: a body that is not its API's is refused here.
    validateRequest(req.api, body);
    const requested = req.modelOverride ?? (typeof body.model === 'string' ? body.model : undefined);
    const target = resolveModel(requested, config);
    const effort = target.effort ?? requestedEffort(body) ?? config.reasoning_effort;
    const onDrop = (field: string, reason: string): void => logger.debug({ field, reason, requestId: req.requestId }, 'dropped field');
    // A Responses client that was on Claude earlier replays reasoning the ChatGPT backend cannot verify.
    const responsesBody = req.api === 'responses'
      ? dropForeignReasoning(body, { onDrop })
      : convertRequest(req.api, 'responses', body, { model: target.model, onDrop });

    const detection = this.deps.detection(target.model);
    const shaped = shapeCodexRequest(responsesBody, {
      basePrompt: detection.basePrompt,
      model: target.model,
      effort,
      reasoningSummary: config.reasoning_summary,
      textVerbosity: config.text_verbosity,
      sessionHint: sessionHint(req.headers, body, req.sessionId),
    });
    if (shaped.dropped.length) logger.debug({ dropped: shaped.dropped, requestId: req.requestId }, 'removed parameters the ChatGPT backend rejects');
    logger.debug({ requestId: req.requestId, requested, model: target.model, effort }, 'codex request');

    const payload = jsonBytes(shaped.body);
    const pool = this.deps.pool;
    const affinity = (): string | undefined => affinityKey(req.api, req.body, req.headers);
    const res = await upstreamClient(this.deps.dispatcher).pooled(pool, { affinity, stats: this.stats }, (member) => ({
      url: `${config.base_url.replace(/\/+$/, '')}/responses`,
      headers: {
        ...codexClientHeaders(req.headers),
        ...detection.headers,
        version: detection.version,
        'openai-beta': 'responses=experimental',
        session_id: shaped.sessionId,
        accept: 'text/event-stream',
        'content-type': 'application/json',
      },
      body: payload,
      signal: req.abort,
      plugin: PLUGIN,
      credential: { source: member.value, apply: chatgptAuth },
      observer: req.observer,
      upstreamError: usageLimitError,
    }));
    const account = res.account ?? pool.members[0]!.name;

    const onRateLimits = (data: Record<string, unknown>): void => {
      this.rateLimits.set(account, { at: Date.now(), data });
    };
    const events = watchRateLimits(parseSseStream('responses', res.body), onRateLimits);
    const convertOpts = { model: target.model, clientRequest: body, onDrop };
    if (body.stream === true) return streamAnswer(req, 'responses', events, convertOpts);
    // The backend always streams: a client that asked for one answer gets the stream accumulated.
    const full = await accumulateStream('responses', events);
    throwIfFailed(full);
    return jsonAnswer(req, 'responses', full, convertOpts);
  }

  async countTokens(req: AdapterRequest): Promise<AdapterJsonResponse> {
    return { kind: 'json', status: 200, body: estimatedTokenCount(req.body.value()) };
  }

  async listModels(): Promise<ModelInfo[]> {
    return this.deps.config.models.map((id) => ({ id, ownedBy: 'openai', displayName: id }));
  }

  acceptsModel(model: string): ModelAcceptance | undefined {
    return modelAcceptance(model, this.deps.config);
  }
}

/** The ChatGPT backend wants the token and the account it belongs to. */
function chatgptAuth(creds: CodexCredentials): { headers: Record<string, string> } {
  if (!creds.accountId) {
    throw new AuthError('Codex credentials carry no ChatGPT account id; run `ccproxy auth login codex`', { plugin: PLUGIN });
  }
  return { headers: { authorization: `Bearer ${creds.accessToken}`, 'chatgpt-account-id': creds.accountId } };
}

/**
 * Request-shape headers the Codex CLI sends with its own requests (e.g. the responses-lite switch
 * that goes with its `additional_tools` input items on newer models). Forwarded when a Codex
 * client sends them; never credentials, never anything else.
 */
function codexClientHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && (name.startsWith('x-codex-') || name.startsWith('x-openai-internal-codex-'))) out[name] = value;
  }
  return out;
}

/** A conversation id the client already has: Codex/Claude Code session headers or metadata. */
function sessionHint(headers: IncomingHttpHeaders, body: JsonObject, pathSession?: string): string | undefined {
  for (const name of ['session_id', 'session-id', 'x-claude-code-session-id', 'conversation_id']) {
    const v = headers[name];
    if (typeof v === 'string' && v) return v;
  }
  if (pathSession) return pathSession;
  const userId = (body.metadata as { user_id?: unknown } | undefined)?.user_id;
  if (typeof userId === 'string' && userId.startsWith('{')) {
    try {
      const parsed = JSON.parse(userId) as { session_id?: unknown };
      if (typeof parsed.session_id === 'string' && parsed.session_id) return parsed.session_id;
    } catch {
      /* not JSON: no hint */
    }
  }
  return undefined;
}

/** Hands the backend's `codex.rate_limits` to health while events flow through untouched. */
async function* watchRateLimits(events: AsyncIterable<StreamEvent>, onRateLimits: (data: Record<string, unknown>) => void): AsyncIterable<StreamEvent> {
  for await (const event of events) {
    if (event.type === 'codex.rate_limits' && event.rate_limits && typeof event.rate_limits === 'object') {
      onRateLimits(event.rate_limits as Record<string, unknown>);
    }
    yield event;
  }
}
