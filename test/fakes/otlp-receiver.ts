/**
 * A fake OpenTelemetry collector: OTLP/HTTP `POST /v1/traces` with the JSON encoding (what
 * @opentelemetry/exporter-trace-otlp-http sends), answering like a collector (`{}` with 200).
 * It checks the content type and the request shape, refuses anything else with 400, and keeps the
 * spans flattened (ids as hex, attributes as plain values) for assertions.
 */
import type http from 'node:http';
import { LoopbackFake, parseJsonBody, readBody } from './loopback.js';

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status?: { code?: number; message?: string };
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

function value(v: AnyValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  throw new Error(`unsupported attribute value ${JSON.stringify(v)}`);
}

function attributes(list: Array<{ key: string; value: AnyValue }> | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, value(a.value)]));
}

export class FakeOtlpReceiver extends LoopbackFake {
  readonly spans: ReceivedSpan[] = [];
  /** Requests refused (wrong path, type or shape), for assertions. */
  readonly refused: string[] = [];

  get tracesUrl(): string {
    return `${this.url}/v1/traces`;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const refuse = (why: string): void => {
      this.refused.push(why);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 3, message: why }));
    };
    if (req.method !== 'POST' || req.url !== '/v1/traces') return refuse(`${req.method} ${req.url}`);
    if (!String(req.headers['content-type']).startsWith('application/json')) return refuse(`content-type ${req.headers['content-type']}`);
    const doc = parseJsonBody(raw) as { resourceSpans?: Array<{ resource?: { attributes?: Array<{ key: string; value: AnyValue }> }; scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }> } | undefined;
    if (!doc) return refuse('body is not JSON');
    if (!Array.isArray(doc.resourceSpans)) return refuse('no resourceSpans');
    for (const rs of doc.resourceSpans) {
      const resource = attributes(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          if (typeof s.traceId !== 'string' || typeof s.spanId !== 'string' || typeof s.name !== 'string') return refuse('span without traceId, spanId or name');
          this.spans.push({
            traceId: s.traceId, spanId: s.spanId, parentSpanId: (s.parentSpanId as string | undefined) || undefined, name: s.name,
            kind: Number(s.kind), startTimeUnixNano: String(s.startTimeUnixNano), endTimeUnixNano: String(s.endTimeUnixNano),
            status: s.status as ReceivedSpan['status'], attributes: attributes(s.attributes as Array<{ key: string; value: AnyValue }>), resource,
          });
        }
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  }
}
