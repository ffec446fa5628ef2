/**
 * Runs the OFFICIAL SDK accumulators against a stream we produce: serves SSE text (or a JSON body)
 * from a loopback `node:http` server on 127.0.0.1:0 and points `@anthropic-ai/sdk` / `openai` at
 * it. Returns the SDK's final object plus anything the SDK complained about (thrown error, logger
 * output, console.warn/error), so tests can assert "no errors, no warnings".
 *
 * @example
 *   const run = await runAnthropicStream(sseTexts);
 *   expect(run.error).toBeUndefined();
 *   expect(run.warnings).toEqual([]);
 *   expect(run.final?.content[0]).toMatchObject({ type: 'text', text: 'Hi' });
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import type { Message } from '@anthropic-ai/sdk/resources/messages/messages';
import OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions/completions';
import type { Response as OpenAIResponse } from 'openai/resources/responses/responses';

export type SseSource = readonly string[] | AsyncIterable<string>;

export interface SdkRun<T> {
  /** The SDK's accumulated (stream) or parsed (non-stream) result; undefined when it threw. */
  final?: T;
  /** What the SDK threw, if anything (APIError for error bodies/events, OpenAIError for grammar). */
  error?: Error;
  /** Messages the SDK logged at warn/error level or wrote through console.warn/console.error. */
  warnings: string[];
  /** The request body the SDK sent (so tests can check stream flags etc.). */
  requestBody?: unknown;
}

interface Served {
  /** Either SSE text pieces (streamed in order, each its own write) or one JSON body. */
  sse?: SseSource;
  json?: unknown;
  status?: number;
  headers?: Record<string, string>;
}

interface ServerHandle {
  baseURL: string;
  requestBody: () => unknown;
  close: () => Promise<void>;
}

async function serve(what: Served, prefix: string): Promise<ServerHandle> {
  let received: unknown;
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(parts).toString('utf8');
        received = raw ? JSON.parse(raw) : undefined;
        const status = what.status ?? 200;
        if (what.sse) {
          res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...what.headers });
          for await (const piece of what.sse) res.write(piece);
          res.end();
        } else {
          res.writeHead(status, { 'content-type': 'application/json', ...what.headers });
          res.end(JSON.stringify(what.json ?? null));
        }
      })().catch((err: unknown) => res.destroy(err as Error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}${prefix}`,
    requestBody: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A logger for the SDK clients that records warn/error, plus console spies for the run. */
function captureWarnings(): { warnings: string[]; logger: Record<'debug' | 'info' | 'warn' | 'error', (...a: unknown[]) => void>; restore: () => void } {
  const warnings: string[] = [];
  const record = (level: string) => (...args: unknown[]) => warnings.push(`${level}: ${args.map(describe).join(' ')}`);
  const original = { warn: console.warn, error: console.error };
  console.warn = record('console.warn');
  console.error = record('console.error');
  return {
    warnings,
    logger: { debug: () => {}, info: () => {}, warn: record('warn'), error: record('error') },
    restore: () => {
      console.warn = original.warn;
      console.error = original.error;
    },
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

async function run<T>(what: Served, prefix: string, call: (baseURL: string, logger: ReturnType<typeof captureWarnings>['logger']) => Promise<T>): Promise<SdkRun<T>> {
  const server = await serve(what, prefix);
  const capture = captureWarnings();
  const result: SdkRun<T> = { warnings: capture.warnings };
  try {
    result.final = await call(server.baseURL, capture.logger);
  } catch (err) {
    result.error = err instanceof Error ? err : new Error(describe(err));
  } finally {
    capture.restore();
    result.requestBody = server.requestBody();
    await server.close();
  }
  return result;
}

function anthropicClient(baseURL: string, logger: ReturnType<typeof captureWarnings>['logger']): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL, maxRetries: 0, timeout: 60_000, logger, logLevel: 'warn' });
}

function openaiClient(baseURL: string, logger: ReturnType<typeof captureWarnings>['logger']): OpenAI {
  return new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: 0, timeout: 60_000, logger, logLevel: 'warn' });
}

const ANTHROPIC_PARAMS = { model: 'claude-test', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'hi' }] };
const CHAT_PARAMS = { model: 'gpt-test', messages: [{ role: 'user' as const, content: 'hi' }] };
const RESPONSES_PARAMS = { model: 'gpt-test', input: 'hi' };

/** `client.messages.stream(...).finalMessage()` over the given SSE text. */
export function runAnthropicStream(sse: SseSource): Promise<SdkRun<Message>> {
  return run({ sse }, '', (baseURL, logger) => anthropicClient(baseURL, logger).messages.stream(ANTHROPIC_PARAMS).finalMessage());
}

/** `client.chat.completions.stream(...).finalChatCompletion()`; `includeUsage` sets stream_options. */
export function runChatStream(sse: SseSource, opts: { includeUsage?: boolean } = {}): Promise<SdkRun<ChatCompletion>> {
  const params = opts.includeUsage ? { ...CHAT_PARAMS, stream_options: { include_usage: true } } : CHAT_PARAMS;
  return run({ sse }, '/v1', (baseURL, logger) => openaiClient(baseURL, logger).chat.completions.stream(params).finalChatCompletion());
}

/** `client.responses.stream(...).finalResponse()` over the given SSE text. */
export function runResponsesStream(sse: SseSource): Promise<SdkRun<OpenAIResponse>> {
  return run({ sse }, '/v1', (baseURL, logger) => openaiClient(baseURL, logger).responses.stream(RESPONSES_PARAMS).finalResponse());
}

export interface JsonReply {
  body: unknown;
  status?: number;
  headers?: Record<string, string>;
}

/** `client.messages.create(...)` (non-stream) answered with `body` (an error status → SDK error). */
export function runAnthropicJson(reply: JsonReply): Promise<SdkRun<Message>> {
  return run({ json: reply.body, status: reply.status, headers: reply.headers }, '', (baseURL, logger) =>
    anthropicClient(baseURL, logger).messages.create(ANTHROPIC_PARAMS),
  );
}

/** `client.chat.completions.create(...)` (non-stream). */
export function runChatJson(reply: JsonReply): Promise<SdkRun<ChatCompletion>> {
  return run({ json: reply.body, status: reply.status, headers: reply.headers }, '/v1', (baseURL, logger) =>
    openaiClient(baseURL, logger).chat.completions.create(CHAT_PARAMS),
  );
}

/** `client.responses.create(...)` (non-stream). */
export function runResponsesJson(reply: JsonReply): Promise<SdkRun<OpenAIResponse>> {
  return run({ json: reply.body, status: reply.status, headers: reply.headers }, '/v1', (baseURL, logger) =>
    openaiClient(baseURL, logger).responses.create(RESPONSES_PARAMS),
  );
}

/** Events → SSE text pieces in `format`'s framing (Chat gets its `[DONE]`), for the run* helpers. */
export async function toSse(format: 'anthropic' | 'chat' | 'responses', events: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>): Promise<string[]> {
  const { serializeSseStream } = await import('../../../src/formats/sse.js');
  async function* source() {
    for await (const e of events) yield e;
  }
  const out: string[] = [];
  for await (const piece of serializeSseStream(format, source())) out.push(piece);
  return out;
}
