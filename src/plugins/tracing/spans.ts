/**
 * Request events → OpenTelemetry spans: one SERVER span per request (a child of the client's W3C
 * `traceparent` when it sent one) and one CLIENT span per upstream attempt, with the GenAI semantic
 * convention attributes. Spans are created after the fact with the events' own timestamps, so
 * nothing runs on the request's path but a map insert and a few attribute sets.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { requestRecord, type CoreServices, type FinishedEvent, type RequestEvents } from '../../plugin.js';

/** `gen_ai.system` per provider plugin (by name prefix); others report their plugin name. */
const SYSTEMS: Array<[string, string]> = [['claude', 'anthropic'], ['codex', 'openai'], ['openai', 'openai'], ['copilot', 'github_copilot']];

export function genAiSystem(plugin: string): string {
  const base = plugin.split('.')[0]!;
  return SYSTEMS.find(([prefix]) => base.startsWith(prefix))?.[1] ?? base;
}

interface Open {
  span: Span;
  attempts: number;
}

const propagator = new W3CTraceContextPropagator();

export class RequestSpans {
  private readonly open = new Map<string, Open>();
  private readonly off: Array<() => void>;

  constructor(events: CoreServices['events'], private readonly tracer: Tracer) {
    this.off = [
      events.on('request.started', (e) => this.start(e)),
      events.on('upstream.response', (e) => this.attempt(e)),
      events.on('request.completed', (e) => this.finish(e)),
      events.on('request.failed', (e) => this.finish(e)),
    ];
  }

  private start(e: RequestEvents['request.started']): void {
    const parent = e.traceparent ? propagator.extract(ROOT_CONTEXT, { traceparent: e.traceparent }, { get: (c, k) => c[k as 'traceparent'], keys: (c) => Object.keys(c) }) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(`chat ${e.model ?? ''}`.trim(), {
      kind: SpanKind.SERVER,
      startTime: e.timestamp,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': genAiSystem(e.plugin),
        'gen_ai.provider.name': genAiSystem(e.plugin),
        ...(e.model ? { 'gen_ai.request.model': e.model } : {}),
        'http.request.method': e.method,
        ...(e.route ? { 'http.route': e.route } : {}),
        'ccproxy.request_id': e.requestId,
        'ccproxy.provider': e.plugin,
        ...(e.api ? { 'ccproxy.client_api': e.api } : {}),
        'ccproxy.stream': e.stream,
      },
    }, parent);
    this.open.set(e.requestId, { span, attempts: 0 });
  }

  /** One upstream attempt that got an answer: from when it was sent to its response headers. */
  private attempt(e: RequestEvents['upstream.response']): void {
    const open = this.open.get(e.requestId);
    if (!open) return;
    open.attempts++;
    this.child(open, e.plugin, e.timestamp - e.upstreamMs, e.timestamp, e.status, e.model, e.account, e.url);
  }

  private child(open: Open, plugin: string, start: number, end: number, status: number | string, model?: string, account?: string, url?: string): void {
    const parent = trace.setSpan(ROOT_CONTEXT, open.span);
    const failed = typeof status === 'string' || status >= 400;
    const span = this.tracer.startSpan(`upstream ${genAiSystem(plugin)}`, {
      kind: SpanKind.CLIENT,
      startTime: start,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': genAiSystem(plugin),
        'gen_ai.provider.name': genAiSystem(plugin),
        ...(model ? { 'gen_ai.request.model': model } : {}),
        'ccproxy.provider': plugin,
        'ccproxy.attempt': open.attempts,
        ...(typeof status === 'number' ? { 'http.response.status_code': status } : { 'error.type': status }),
        ...(account ? { 'ccproxy.account': account } : {}),
        ...(url ? { 'server.address': hostOf(url) } : {}),
      },
    }, parent);
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(end);
  }

  private finish(e: FinishedEvent): void {
    const open = this.open.get(e.requestId);
    if (!open) return;
    this.open.delete(e.requestId);
    const r = requestRecord(e);
    const span = open.span;
    // A failed attempt sends no upstream.response: it still shows as an attempt, ending with the request.
    if ('upstreamError' in e && e.upstreamError) {
      open.attempts++;
      this.child(open, e.plugin, r.started_ms, e.timestamp, /^\d+$/.test(e.upstreamError) ? Number(e.upstreamError) : e.upstreamError, r.model ?? undefined, r.account ?? undefined);
    }
    if (r.model) span.setAttribute('gen_ai.response.model', r.model);
    span.setAttribute('http.response.status_code', r.status);
    if (r.account) span.setAttribute('ccproxy.account', r.account);
    if (r.client) span.setAttribute('user_agent.name', r.client);
    if (r.ttfb_ms !== null) span.setAttribute('ccproxy.ttfb_ms', r.ttfb_ms);
    const u = r.usage;
    if (u) {
      span.setAttributes({
        // The semantic conventions count every input token, cached or not, in input_tokens.
        'gen_ai.usage.input_tokens': u.input_tokens + u.cache_read_tokens + u.cache_write_tokens,
        'gen_ai.usage.cache_read.input_tokens': u.cache_read_tokens,
        'gen_ai.usage.cache_creation.input_tokens': u.cache_write_tokens,
        'gen_ai.usage.output_tokens': u.output_tokens,
        'ccproxy.usage.reasoning_tokens': u.reasoning_tokens,
      });
    }
    if (!r.ok) {
      span.setAttribute('error.type', r.error_type ?? 'error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: r.error_type ?? undefined });
    }
    span.end(e.timestamp);
  }

  close(): void {
    for (const f of this.off.splice(0)) f();
    for (const { span } of this.open.values()) span.end();
    this.open.clear();
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
