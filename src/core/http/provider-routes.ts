/**
 * The standard model API routes for one provider adapter, mounted by a plugin under its prefix:
 * `POST /v1/messages` (+ `/count_tokens`), `POST /v1/chat/completions`, `POST /v1/responses`,
 * `GET /v1/models`, each only when the adapter serves that API. Errors thrown here are rendered by
 * the central error handler in the route's `config.api` format.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AdapterRequest, AdapterResponse, ApiFormat, ModelInfo, ProviderAdapter, RequestObserver } from '../adapter.js';
import { UsageMeter } from '../../formats/usage-meter.js';
import { UpstreamConnectionError, UpstreamError, UpstreamUnreadableError, toProxyError, type ProxyError } from '../errors.js';
import { httpContextOf, type HttpContext } from './context.js';
import { ExchangeTap, runTapped } from './exchange-tap.js';
import { ModelRequest } from './model-request.js';
import { modelRequestBody, requestModel, requestStream } from './request-fields.js';
import { RequestAbort } from './request-abort.js';
import { sendAdapterResponse, type SendResult } from './send.js';
import { streamErrorFor } from './stream-error.js';
import './fastify-types.js';

export interface ProviderRoutesOptions {
  /** Plugin (or `plugin.instance`) name for events, logs and error stamping. */
  plugin: string;
}

const PATHS: Record<ApiFormat, string> = {
  anthropic: '/v1/messages',
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
};

export function providerRoutes(adapter: ProviderAdapter, opts: ProviderRoutesOptions): FastifyPluginAsync {
  const plugin = opts.plugin;
  return async (app: FastifyInstance) => {
    const ctx = httpContextOf(app);
    for (const api of adapter.apis) {
      app.post(PATHS[api], { config: { api, plugin } }, (request, reply) =>
        handleModelRequest(ctx, plugin, api, request, reply, (r) => adapter.handle(r)),
      );
    }
    const countTokens = adapter.countTokens?.bind(adapter);
    if (countTokens && adapter.apis.includes('anthropic')) {
      app.post('/v1/messages/count_tokens', { config: { api: 'anthropic', plugin } }, (request, reply) =>
        handleModelRequest(ctx, plugin, 'anthropic', request, reply, countTokens),
      );
    }
    if (adapter.apis.length > 0) {
      const api: ApiFormat = adapter.apis.length === 1 && adapter.apis[0] === 'anthropic' ? 'anthropic' : 'chat';
      app.get('/v1/models', { config: { api, plugin } }, async () => modelList(await adapter.listModels(), plugin));
    }
  };
}

/** One list both OpenAI (`object`, `created`, `owned_by`) and Anthropic (`type`, `display_name`, `created_at`) clients accept. */
export function modelList(models: ModelInfo[], plugin: string): Record<string, unknown> {
  const data = models.map((m) => {
    const created = m.created ?? 0;
    return {
      id: m.id,
      object: 'model',
      created,
      owned_by: m.ownedBy ?? m.provider ?? plugin,
      type: 'model',
      display_name: m.displayName ?? m.id,
      created_at: new Date(created * 1000).toISOString(),
    };
  });
  return { object: 'list', data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** Is anyone subscribed to the events an adapter's observer feeds (usage, upstream timing)? */
function observed(events: HttpContext['events']): boolean {
  return !!events && (events.has('request.completed') || events.has('request.failed') || events.has('upstream.response'));
}

/** The first product name of a User-Agent (`claude-cli/2.0.1 (external, cli)` → `claude-cli`), bounded. */
export function clientName(userAgent: string | undefined): string | undefined {
  const name = userAgent?.trim().split(/[\s/]/, 1)[0];
  return name ? name.slice(0, 64) : undefined;
}

/** `upstreamError` of a failed request: what the upstream did, when it was the upstream. */
function upstreamCause(e: ProxyError): { upstreamError?: string } {
  if (e instanceof UpstreamError) return { upstreamError: String(e.upstreamStatus) };
  if (e instanceof UpstreamConnectionError) return { upstreamError: 'connection' };
  if (e instanceof UpstreamUnreadableError) return { upstreamError: 'unreadable' };
  return {};
}

/** One model request through an adapter call (events, abort on disconnect, send). Also used by the root routes (src/core/routing). */
export async function handleModelRequest(
  ctx: HttpContext,
  plugin: string,
  api: ApiFormat,
  request: FastifyRequest,
  reply: FastifyReply,
  call: (r: AdapterRequest) => Promise<AdapterResponse>,
): Promise<void> {
  const body = modelRequestBody(request.body);
  const model = requestModel(body);
  const stream = requestStream(body);
  const started = performance.now();
  const events = ctx.events;
  const requestId = String(request.id);
  const route = request.routeOptions.url;
  const client = clientName(request.headers['user-agent']);

  // Aborted when the client disconnects before we finished, or when shutdown runs out of patience.
  const controller = new RequestAbort();
  const raw = reply.raw;
  if (raw.destroyed || request.raw.socket?.destroyed) {
    // Gone while the body was being read: 'close' already fired and will not fire again.
    controller.abort(new Error('client disconnected'));
  } else {
    ctx.inflight.add(controller);
    raw.once('close', () => {
      ctx.inflight.delete(controller);
      if (!raw.writableFinished) controller.abort(new Error('client disconnected'));
    });
  }

  let meter: UsageMeter | undefined;
  let account: string | undefined;
  // Only when someone listens: adapters then skip usage metering, which parses every streamed
  // chunk (~9 % of the proxy's CPU on a passthrough stream when nobody uses the result).
  const observer: RequestObserver | undefined = observed(events) ? {
    upstreamResponse(status, upstreamMs, servedBy) {
      account = servedBy;
      if (events?.has('upstream.response')) {
        events.emit('upstream.response', { requestId, plugin, api, model: meter?.model ?? model, timestamp: Date.now(), status, upstreamMs, ...(servedBy ? { account: servedBy } : {}) });
      }
    },
    meter(upstreamApi, servedModel) {
      // The latest answer's meter: a fallback's answer replaces the one that failed.
      meter = new UsageMeter(upstreamApi, servedModel);
      return meter;
    },
  } : undefined;
  const adapterRequest = new ModelRequest(api, body, request.headers, controller, requestId, observer);

  if (events?.has('request.started')) {
    const traceparent = request.headers.traceparent;
    events.emit('request.started', {
      requestId, plugin, api, model, timestamp: Date.now(), method: request.method, path: request.url, route, stream,
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
    });
  }

  // A request tracer listens: this request's pieces (both legs, bodies included) go to it.
  const tap = events?.has('exchange') ? new ExchangeTap(events, requestId, plugin) : undefined;
  tap?.emit({ leg: 'client', part: 'request', method: request.method, url: request.url, headers: request.headers, body: body.bytes });
  const chunkEvents = events?.has('stream.chunk');
  const onChunk = chunkEvents || tap
    ? (bytes: number, chunk: string | Uint8Array) => {
      if (chunkEvents) events!.emit('stream.chunk', { requestId, plugin, api, model: meter?.model ?? model, timestamp: Date.now(), bytes, sinceStartMs: performance.now() - started });
      tap?.emit({ leg: 'client', part: 'chunk', body: chunk });
    }
    : undefined;
  let result: SendResult;
  try {
    const res = tap ? await runTapped(tap, () => call(adapterRequest)) : await call(adapterRequest);
    if (tap && res.kind === 'json') {
      const b = res.body;
      tap.emit({ leg: 'client', part: 'response', status: res.status, headers: res.headers, body: typeof b === 'string' || b instanceof Uint8Array ? b : JSON.stringify(b) });
    }
    // Rejects only before the response is committed (e.g. the stream's first chunk failed).
    result = await sendAdapterResponse(reply, res, {
      onChunk,
      ...(tap ? { onStreamStart: (status: number, headers: Record<string, string | string[] | number | undefined>) => tap.emit({ leg: 'client', part: 'response', status, headers }) } : {}),
      onStreamError: (err) => ctx.logger?.warn({ err, requestId, plugin }, 'stream ended with an error'),
      streamError: (err) => streamErrorFor(api, err, controller, plugin, requestId),
    });
  } catch (err) {
    const e = toProxyError(err, plugin);
    tap?.emit({ leg: 'client', part: 'response', status: e.status, error: e.message });
    // An unknown error becomes a generic 500 here, before the central handler sees it: log its
    // cause now, or the stack of a plugin bug is lost.
    if (e !== err) ctx.logger?.error({ err, reqId: requestId, plugin }, 'request failed');
    if (events?.has('request.failed')) {
      events.emit('request.failed', {
        requestId, plugin, api, model: meter?.model ?? model, requestedModel: model, route, client, stream, timestamp: Date.now(), status: e.status,
        durationMs: performance.now() - started, error: e.message, code: e.code, kind: e.kind, ...upstreamCause(e), ...(account ? { account } : {}),
      });
    }
    throw e;
  }

  if (!events) return;
  if (result.completed ? events.has('request.completed') : events.has('request.failed')) {
    const base = {
      requestId, plugin, api, model: meter?.model ?? model, requestedModel: model, route, client, stream, timestamp: Date.now(),
      status: result.status, durationMs: performance.now() - started, ttfbMs: result.ttfbMs, ...(account ? { account } : {}),
    };
    if (result.completed) {
      const usage = meter?.usage;
      events.emit('request.completed', { ...base, ...(usage ? { usage } : {}) });
    } else {
      const e = result.error ? toProxyError(result.error, plugin) : undefined;
      events.emit('request.failed', { ...base, error: e?.message ?? 'client disconnected', code: e?.code, kind: e?.kind ?? 'client_disconnected', ...(e ? upstreamCause(e) : {}) });
    }
  }
}
