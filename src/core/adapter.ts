/**
 * The provider adapter: the one interface the core (root routes, model routing, fallbacks)
 * uses to send a request to a provider without knowing which provider it is.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { UsageMeter } from '../formats/usage-meter.js';
import type { ApiFormat } from '../formats/types.js';
import type { JsonBody } from './json/json-body.js';

/** The three client-facing APIs. */
export type { ApiFormat };

export interface ModelInfo {
  id: string;
  /** Provider (plugin or `plugin.instance`) serving it; filled by the core when merging. */
  provider?: string;
  created?: number;
  displayName?: string;
  ownedBy?: string;
}

export interface AdapterRequest {
  /** The API the client spoke; the response must be in the same API. */
  api: ApiFormat;
  /**
   * The client's JSON body: already checked to be a well-formed object within the nesting limit,
   * parsed only as far as it is read. `body.get('model')` parses one top-level value,
   * `body.value()` the whole object (both read-only), `body.bytes` are the bytes as received, and
   * `body.with({ system })` gives them with exactly those top-level values replaced. See
   * docs/plugin-development.md, "The request body".
   */
  body: JsonBody;
  headers: IncomingHttpHeaders;
  /**
   * Aborted when the client disconnects or the server shuts down. A standard AbortSignal, built on
   * first read: hand `abort` to `upstreamRequest` instead, which costs nothing until it fires.
   */
  signal: AbortSignal;
  /** The same abort as `signal`, without building an AbortSignal: what `upstreamRequest({ signal })` takes. */
  abort: AbortSignalLike;
  requestId: string;
  /** Target model chosen by routing (`[routing.models]` with `model = ...`); overrides body.model. */
  modelOverride?: string;
  /** Extra path segment information, e.g. a session id from `/claude/sdk/{session}/v1/...`. */
  sessionId?: string;
  /** Lets the adapter report what only it knows (usage, upstream timing) to the request's events. */
  observer?: RequestObserver;
}

/** The part of AbortSignal that `upstreamRequest` uses; an AbortSignal is one. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface RequestObserver {
  /** `account`: the pool account that served (by name), when the provider has accounts. */
  upstreamResponse(status: number, upstreamMs: number, account?: string): void;
  /**
   * A meter for the answer's usage, in the API the upstream answered in: feed it the upstream's
   * response body (`meter.response`), its parsed events (`meter.tap`) or its SSE bytes
   * (`meter.sse`). The core reads it when the request ends and reports its usage, once, on
   * `request.completed`. `model`: the model to report (default: the one the answer names).
   */
  meter(api: ApiFormat, model?: string): UsageMeter;
}

/** A complete (non-stream) response. */
export interface AdapterJsonResponse {
  kind: 'json';
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/**
 * A streamed SSE response. `events` yields already-serialized SSE bytes/strings in the client's API
 * format. Returned only once the upstream has answered with a success status, so a router can still
 * fall back when `handle` rejects; after it resolves, the response is committed.
 */
export interface AdapterStreamResponse {
  kind: 'stream';
  status: number;
  headers?: Record<string, string>;
  events: AsyncIterable<string | Uint8Array>;
}

export type AdapterResponse = AdapterJsonResponse | AdapterStreamResponse;

/**
 * How a provider takes a model it does not list: `native`, a name of its own family that it sends
 * upstream as it is (`gpt-5` for codex, `claude-3-7-sonnet-x` for claude_api); `mapped`, a name
 * its model map turns into one of its models (Claude Code's `claude-*` names on codex).
 */
export type ModelAcceptance = 'native' | 'mapped';

export interface ProviderAdapter {
  /** Client APIs this adapter serves. */
  readonly apis: readonly ApiFormat[];
  /**
   * Would this provider serve `model` although `listModels()` does not list it? Root routing asks
   * when no `[routing]` rule and no listing decides (native names before mapped ones), so every
   * model a provider's own prefix accepts works at the root too. Undefined: it would not (a
   * fallback to a default model does not count). Pure and fast: it runs per routed request.
   */
  acceptsModel?(model: string): ModelAcceptance | undefined;
  /**
   * Handle one request. Rejects with a ProxyError (see errors.ts) for failures before any byte is
   * committed; the core renders it in the client's API format and may fall back on retryable ones.
   */
  handle(request: AdapterRequest): Promise<AdapterResponse>;
  listModels(): Promise<ModelInfo[]>;
  /**
   * Optional Anthropic `POST /v1/messages/count_tokens` (request.api is 'anthropic'); the route is
   * mounted only when present. Resolves with the JSON response (`{ input_tokens }`).
   */
  countTokens?(request: AdapterRequest): Promise<AdapterJsonResponse>;
}
