/**
 * Error bodies, HTTP statuses and mid-stream error events, converted between the three APIs.
 *
 * The kind catalogue (ErrorKind, per-API type names, default statuses) lives in `core/errors.ts`;
 * this module reads an upstream's error in one format into an `ErrorInfo` and writes it in another.
 * `errorBody` delegates to core's `renderError` so HTTP error bodies look the same everywhere.
 */
import type { ApiFormat } from './types.js';
import { ANTHROPIC_TYPE, KIND_STATUS, OPENAI_TYPE, ProxyError, kindForStatus, renderError } from '../core/errors.js';
import type { ErrorKind } from '../core/errors.js';
import type { JsonObject, StreamEvent } from './types.js';

/** One error, format-neutral. */
export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
  /** HTTP status as the source reported it (or the kind's default). */
  status: number;
  /** OpenAI `code` or another machine-readable upstream code. */
  code?: string | null;
  param?: string | null;
  /** Seconds the client should wait (from `retry-after`). */
  retryAfter?: number;
}

/** What callers may pass to build an error: a kind, or a type name of any of the APIs. */
export interface ErrorSpec {
  kind?: ErrorKind;
  /** `overloaded_error`, `rate_limit_error`, `server_error`, … (used when `kind` is absent). */
  type?: string;
  message: string;
  code?: string | null;
  param?: string | null;
}

const KINDS = Object.keys(KIND_STATUS) as ErrorKind[];

/** OpenAI codes/types that say more than the generic type does. */
const OPENAI_CODE_KIND: Record<string, ErrorKind> = {
  rate_limit_exceeded: 'rate_limit',
  insufficient_quota: 'rate_limit',
  tokens: 'rate_limit',
  requests: 'rate_limit',
  invalid_api_key: 'authentication',
  server_is_overloaded: 'overloaded',
  engine_overloaded: 'overloaded',
  slow_down: 'overloaded',
  context_length_exceeded: 'invalid_request',
  server_error: 'api_error',
};

/** Maps any API's error type (or a kind name itself) to a kind; undefined if unknown. */
export function kindForType(type: string | null | undefined): ErrorKind | undefined {
  if (!type) return undefined;
  if ((KINDS as string[]).includes(type)) return type as ErrorKind;
  const anthropic = KINDS.find((k) => ANTHROPIC_TYPE[k] === type);
  if (anthropic) return anthropic;
  if (type in OPENAI_CODE_KIND) return OPENAI_CODE_KIND[type];
  if (type === 'billing_error') return 'permission';
  return KINDS.find((k) => OPENAI_TYPE[k] === type);
}

/** The status each API uses for a kind: OpenAI has no 529, it says 503 for overloaded. */
export function statusFor(format: ApiFormat, kind: ErrorKind, sourceStatus?: number): number {
  if (kind === 'overloaded') return format === 'anthropic' ? 529 : 503;
  return sourceStatus && sourceStatus >= 400 ? sourceStatus : KIND_STATUS[kind];
}

/** `retry-after` (seconds or HTTP date) → whole seconds, if present and sane. */
export function retryAfterSeconds(headers: Record<string, string | string[] | undefined>): number | undefined {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** The `error` member of a body: an object, or a bare string some compatible servers send. */
function errorDetail(value: unknown): JsonObject | undefined {
  return typeof value === 'string' ? { message: value } : asObject(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Statuses several kinds share (e.g. 400 for bad input and for context overflow, 500 vs overloaded). */
const AMBIGUOUS_STATUS = new Set([400, 403, 422, 500, 502]);

/** Reads an HTTP error body of `format` (any JSON, or text) into an ErrorInfo. */
export function readErrorBody(format: ApiFormat, body: unknown, status: number): ErrorInfo {
  const obj = asObject(typeof body === 'string' ? safeJson(body) : body);
  const detail = errorDetail(obj?.error);
  const message =
    str(detail?.message) ?? str(obj?.message) ?? (typeof body === 'string' && body ? body.slice(0, 2000) : `HTTP ${status}`);
  const code = str(detail?.code) ?? null;
  const type = str(detail?.type);
  // Status is the most reliable signal; the body refines 4xx/5xx families it does not pin down.
  const byStatus = kindForStatus(status);
  const byBody = format === 'anthropic' ? kindForType(type) : (kindForType(code) ?? kindForType(type));
  const kind = byBody && AMBIGUOUS_STATUS.has(status) ? byBody : byStatus;
  return { kind, message, status, code, param: str(detail?.param) ?? null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The HTTP error body for `format` (same renderer the core error handler uses). */
export function errorBody(format: ApiFormat, info: ErrorSpec): JsonObject {
  const kind = info.kind ?? kindForType(info.code) ?? kindForType(info.type) ?? 'api_error';
  const err = new ProxyError(kind, info.message, {
    ...(info.code ? { code: info.code } : {}),
    ...(info.param ? { param: info.param } : {}),
  });
  return renderError(format, err);
}

export interface ConvertedError {
  status: number;
  body: JsonObject;
  headers: Record<string, string>;
}

/** An upstream error response in `from`'s format → the same error in `to`'s format. */
export function convertErrorBody(
  from: ApiFormat,
  to: ApiFormat,
  body: unknown,
  status: number,
  headers: Record<string, string | string[] | undefined> = {},
): ConvertedError {
  const info = readErrorBody(from, body, status);
  const retryAfter = retryAfterSeconds(headers);
  const outHeaders: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  return { status: statusFor(to, info.kind, status), body: errorBody(to, info), headers: outHeaders };
}

/**
 * The mid-stream error event of `format`: Anthropic `{type:'error', error:{type, message}}`,
 * Chat `{error:{message, type, code, param}}` (a data line without a chunk), Responses
 * `{type:'error', code, message, param, sequence_number}`.
 */
export function errorEvent(format: ApiFormat, spec: ErrorSpec, opts: { sequenceNumber?: number } = {}): StreamEvent {
  const body = errorBody(format, spec);
  if (format !== 'responses') return body;
  const detail = body.error as { message: string; type: string; code: string | null; param: string | null };
  return {
    type: 'error',
    code: detail.code ?? detail.type,
    message: detail.message,
    param: detail.param,
    sequence_number: opts.sequenceNumber ?? 0,
  };
}

/** If `event` is an error event of `format` (incl. Responses `response.failed`), its ErrorInfo. */
export function readErrorEvent(format: ApiFormat, event: StreamEvent): ErrorInfo | undefined {
  let detail: JsonObject | undefined;
  if (format === 'anthropic') detail = event.type === 'error' ? asObject(event.error) : undefined;
  else if (format === 'chat') detail = errorDetail(event.error);
  else if (event.type === 'error') detail = event;
  else if (event.type === 'response.failed') detail = asObject(asObject(event.response)?.error) ?? { message: 'response failed' };
  if (!detail) return undefined;
  const code = str(detail.code) ?? null;
  const kind = kindForType(code) ?? kindForType(str(detail.type)) ?? 'api_error';
  return { kind, message: str(detail.message) ?? 'upstream error', status: statusFor(format, kind), code, param: str(detail.param) ?? null };
}
