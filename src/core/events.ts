/**
 * Request lifecycle events. Providers emit them; observability plugins subscribe through
 * `services.events`. Listeners run synchronously and must be cheap; a throwing listener is logged
 * and never breaks the request.
 */
import type { ApiFormat } from './adapter.js';

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  reasoningTokens?: number;
}

interface RequestEventBase {
  requestId: string;
  plugin: string;
  api?: ApiFormat;
  model?: string;
  /** ms since epoch */
  timestamp: number;
}

export interface RequestEvents {
  'request.started': RequestEventBase & { method: string; path: string; stream: boolean };
  'upstream.response': RequestEventBase & { status: number; upstreamMs: number; url?: string };
  'stream.chunk': RequestEventBase & { bytes: number; sinceStartMs: number };
  'request.completed': RequestEventBase & { status: number; durationMs: number; ttfbMs?: number; usage?: TokenUsage };
  'request.failed': RequestEventBase & { status: number; durationMs: number; error: string; code?: string };
}

export type RequestEventName = keyof RequestEvents;
export type RequestEventListener<E extends RequestEventName> = (event: RequestEvents[E]) => void;

export interface EventBus {
  on<E extends RequestEventName>(event: E, listener: RequestEventListener<E>): () => void;
  emit<E extends RequestEventName>(event: E, payload: RequestEvents[E]): void;
  /** True when someone listens: lets hot paths skip building payloads. */
  has(event: RequestEventName): boolean;
}
