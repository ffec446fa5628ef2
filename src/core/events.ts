/**
 * Request lifecycle events, and the decisions taken on a tool call an agent asked permission for.
 * Providers emit them; observability plugins subscribe through `services.events`. Listeners run
 * synchronously and must be cheap; a throwing listener is logged and never breaks the request.
 */
import type { ApiFormat, Usage } from '../formats/types.js';

interface RequestEventBase {
  requestId: string;
  plugin: string;
  api?: ApiFormat;
  model?: string;
  /** ms since epoch */
  timestamp: number;
}

/** Who or what decided a permission request. */
export type PermissionDecidedBy =
  /** A person, through the permissions API (`decider` says which client). */
  | 'person'
  /** An earlier "always for this session" answer. */
  | 'session_rule'
  /** Nobody decided in time: denied. */
  | 'timeout'
  /** The client that made the request went away: denied. */
  | 'withdrawn'
  /** The proxy shut down: denied. */
  | 'shutdown';

/** A tool call waiting for (or given) a person's approval. Never carries file contents. */
interface PermissionEventBase {
  /** The permission request's id (`perm_…`); absent for calls decided by a rule without asking. */
  permissionId?: string;
  requestId: string;
  plugin: string;
  sessionId?: string;
  tool: string;
  /** Readable and content-free: the command, or the file path and size of the change. */
  summary: string;
  /** ms since epoch */
  timestamp: number;
}

/** What every finished request (completed or failed) says about itself, besides its outcome. */
interface FinishedRequest extends RequestEventBase {
  /** The route that served it (its pattern, e.g. `/claude/v1/messages` or `/v1/chat/completions`). */
  route?: string;
  /** The client program: its User-Agent's first product name (`claude-cli`, `OpenAI`, `codex_cli_rs`). */
  client?: string;
  /** The model the client asked for (`model` is the one the upstream reported, when it did). */
  requestedModel?: string;
  stream?: boolean;
  status: number;
  durationMs: number;
  /** The pool account that served it (by name), when the provider has accounts. */
  account?: string;
}

export interface RequestEvents {
  /** `traceparent`: the client's W3C trace context header, when it sent one (for tracing plugins). */
  'request.started': RequestEventBase & { method: string; path: string; route?: string; stream: boolean; traceparent?: string };
  /** `account`: the pool account that served (by name), when the provider has accounts. */
  'upstream.response': RequestEventBase & { status: number; upstreamMs: number; url?: string; account?: string };
  'stream.chunk': RequestEventBase & { bytes: number; sinceStartMs: number };
  /** `usage`: what the upstream reported (absent when it reported nothing). */
  'request.completed': FinishedRequest & { ttfbMs?: number; usage?: Usage };
  /**
   * `kind`: the error's type (`rate_limit`, `authentication`, `overloaded`, …, or `client_disconnected`);
   * `code`: its machine-readable code (`CCPROXY_ERR_*` or the upstream's); `error`: its message (never a secret).
   */
  'request.failed': FinishedRequest & {
    ttfbMs?: number; error: string; code?: string; kind?: string;
    /** When the upstream caused it: its HTTP status (`"429"`), or `connection` (unreachable), `unreadable` (not an answer of its API). */
    upstreamError?: string;
  };
  /**
   * A piece of one exchange, for request tracers: the client's request, each upstream attempt's
   * request and response (`attempt` from 1), the response to the client, and their body chunks
   * as they pass. Emitted only while someone listens. Carries headers and bodies as they are: a
   * listener must redact credentials before keeping anything.
   */
  'exchange': {
    requestId: string; plugin: string; timestamp: number;
    leg: 'client' | 'upstream'; part: 'request' | 'response' | 'chunk';
    attempt?: number; method?: string; url?: string; status?: number;
    headers?: Record<string, string | string[] | number | undefined>;
    body?: Uint8Array | string; error?: string;
  };
  /** A provider refreshed (or failed to refresh) an OAuth access token (TokenRefresher's `onRefresh`). Never carries a token. */
  'credential.refreshed': { timestamp: number; provider: string; ok: boolean; durationMs: number };
  /** An account of a pool changed state (account pools): by name only, never a token. */
  'account.state': { timestamp: number; provider: string; account: string; state: 'ready' | 'cooling' | 'failing'; until?: number; reason?: string };
  'permission.requested': PermissionEventBase & { permissionId: string; expiresAt: number };
  'permission.decided': PermissionEventBase & {
    decision: 'allow' | 'deny';
    decidedBy: PermissionDecidedBy;
    /** For a person's decision: the client that sent it (user agent and address). */
    decider?: string;
    /** "always for this session" */
    remember?: 'session' | 'none';
    /** ms from the request to the decision (0 for a rule). */
    waitedMs: number;
  };
}

export type RequestEventName = keyof RequestEvents;
export type RequestEventListener<E extends RequestEventName> = (event: RequestEvents[E]) => void;

export interface EventBus {
  on<E extends RequestEventName>(event: E, listener: RequestEventListener<E>): () => void;
  emit<E extends RequestEventName>(event: E, payload: RequestEvents[E]): void;
  /** True when someone listens: lets hot paths skip building payloads. */
  has(event: RequestEventName): boolean;
}
