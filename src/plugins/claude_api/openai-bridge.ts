/**
 * Chat Completions and Responses clients on the Anthropic API: convert the request with the
 * formats layer, map the model (`model_map`), send it as a Messages request (with the same
 * credential handling and OAuth edits as the native route), and convert the answer back —
 * incrementally for streams (parse Anthropic SSE → convert events → serialize in the client's API).
 */
import { convertRequest, parseSseStream, validateRequest, jsonBytes, affinityKey, jsonAnswer, streamAnswer, type AdapterRequest, type AdapterResponse } from '../../plugin.js';
import type { Logger } from 'pino';
import type { UpstreamCredential } from './auth/token-source.js';
import type { ClaudeApiConfig } from './config.js';
import { mapModel } from './models.js';
import type { JsonObject } from './request-body.js';
import type { ClaudeUpstream } from './upstream-call.js';

/** What the bridge uses of the adapter (declared here, not imported: adapter.ts imports this module). */
export interface MessagesSender {
  readonly config: ClaudeApiConfig;
  readonly upstream: ClaudeUpstream;
  readonly logger?: Pick<Logger, 'debug'>;
  prepare(body: JsonObject, kind: UpstreamCredential['kind']): { body: JsonObject };
}

export async function handleOpenAiRequest(adapter: MessagesSender, request: AdapterRequest): Promise<AdapterResponse> {
  const api = request.api;
  const body = request.body.value();
  validateRequest(api, body);
  const config = adapter.config;
  const model = mapModel(request.modelOverride ?? body.model, config);
  const onDrop = (field: string, reason: string): void => adapter.logger?.debug({ requestId: request.requestId, field, reason }, 'field dropped in conversion');
  const converted: JsonObject = { ...convertRequest(api, 'anthropic', body, { model, onDrop }), model };
  if (typeof converted.max_tokens !== 'number') converted.max_tokens = config.default_max_tokens;
  const stream = body.stream === true;
  converted.stream = stream;

  const res = await adapter.upstream.call({
    path: '/v1/messages',
    clientHeaders: null,
    stream,
    signal: request.abort,
    body: (kind) => jsonBytes(adapter.prepare(converted, kind).body),
    affinity: () => affinityKey(api, request.body, request.headers),
    observer: request.observer,
  });

  const opts = { clientRequest: body };
  if (stream) return streamAnswer(request, 'anthropic', parseSseStream('anthropic', res.body), opts);
  return jsonAnswer(request, 'anthropic', await res.body.json(), opts);
}
