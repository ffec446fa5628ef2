/**
 * The proxy's Prometheus metrics, fed by the request events. Each listener does a few map lookups
 * and increments (prom-client keeps label sets in maps): cheap enough for the hot path. Labels are
 * bounded: routes, APIs and providers are the proxy's own; models beyond `maxModels` become "other".
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { requestRecord, type CoreServices, type FinishedEvent, type RequestEvents } from '../../plugin.js';

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TTFB_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const TOKEN_KINDS = ['input', 'cache_read', 'cache_write', 'output', 'reasoning'] as const;

export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'ccproxy_requests_total', help: 'Finished model requests by provider, route, client API and HTTP status', labelNames: ['provider', 'route', 'api', 'status'], registers: [this.registry] });
  private readonly duration = new Histogram({ name: 'ccproxy_request_duration_seconds', help: 'Request duration, until the last byte of a stream', labelNames: ['provider', 'api'], buckets: DURATION_BUCKETS, registers: [this.registry] });
  private readonly ttfb = new Histogram({ name: 'ccproxy_time_to_first_byte_seconds', help: 'Time until the first byte of a streamed answer reached the client', labelNames: ['provider', 'api'], buckets: TTFB_BUCKETS, registers: [this.registry] });
  private readonly tokens = new Counter({ name: 'ccproxy_tokens_total', help: 'Tokens by provider, model and kind (input excludes cache; reasoning is part of output)', labelNames: ['provider', 'model', 'kind'], registers: [this.registry] });
  private readonly upstreamErrors = new Counter({ name: 'ccproxy_upstream_errors_total', help: 'Requests failed by the upstream, by provider and upstream status (or "connection", "unreadable")', labelNames: ['provider', 'status'], registers: [this.registry] });
  private readonly inFlight = new Gauge({ name: 'ccproxy_requests_in_flight', help: 'Model requests being served', labelNames: ['provider'], registers: [this.registry] });
  private readonly streams = new Gauge({ name: 'ccproxy_streams_in_flight', help: 'Streamed model requests being served', labelNames: ['provider'], registers: [this.registry] });
  private readonly refreshes = new Counter({ name: 'ccproxy_credential_refreshes_total', help: 'OAuth token refreshes by provider and result', labelNames: ['provider', 'result'], registers: [this.registry] });
  readonly pluginHealth = new Gauge({ name: 'ccproxy_plugin_health', help: 'Plugin health at scrape time: 1 pass, 0.5 warn, 0 fail', labelNames: ['plugin'], registers: [this.registry] });
  private readonly models = new Set<string>();
  /** Requests seen starting, so one that ends without a start event never drives a gauge negative. */
  private readonly started = new Map<string, boolean>();
  private readonly off: Array<() => void>;
  private readonly maxModels: number;

  constructor(events: CoreServices['events'], opts: { maxModels: number; processMetrics: boolean }) {
    this.maxModels = opts.maxModels;
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
    const start = (e: RequestEvents['request.started']): void => {
      this.started.set(e.requestId, e.stream);
      this.inFlight.inc({ provider: e.plugin });
      if (e.stream) this.streams.inc({ provider: e.plugin });
    };
    const finish = (e: FinishedEvent): void => {
      const stream = this.started.get(e.requestId);
      if (stream !== undefined) {
        this.started.delete(e.requestId);
        this.inFlight.dec({ provider: e.plugin });
        if (stream) this.streams.dec({ provider: e.plugin });
      }
      const r = requestRecord(e);
      const api = r.api ?? 'none';
      this.requests.inc({ provider: r.provider, route: r.route ?? 'none', api, status: String(r.status) });
      this.duration.observe({ provider: r.provider, api }, r.duration_ms / 1000);
      if (r.ttfb_ms !== null && r.stream) this.ttfb.observe({ provider: r.provider, api }, r.ttfb_ms / 1000);
      if ('upstreamError' in e && e.upstreamError) this.upstreamErrors.inc({ provider: r.provider, status: e.upstreamError });
      const u = r.usage;
      if (!u) return;
      const model = this.modelLabel(r.model);
      for (const kind of TOKEN_KINDS) {
        const n = u[`${kind}_tokens`];
        if (n > 0) this.tokens.inc({ provider: r.provider, model, kind }, n);
      }
    };
    this.off = [
      events.on('request.started', start),
      events.on('request.completed', finish),
      events.on('request.failed', finish),
      events.on('credential.refreshed', (e) => this.refreshes.inc({ provider: e.provider, result: e.ok ? 'success' : 'failure' })),
    ];
  }

  private modelLabel(model: string | null): string {
    if (!model) return 'none';
    if (this.models.has(model)) return model;
    if (this.models.size >= this.maxModels) return 'other';
    this.models.add(model);
    return model;
  }

  close(): void {
    for (const f of this.off.splice(0)) f();
    this.registry.clear();
  }
}
