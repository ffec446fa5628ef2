/**
 * A temporary loopback server for CLI detection: a provider's CLI is pointed at it, the server
 * records what the CLI really sends (headers with credentials redacted, parsed body) and answers
 * with a minimal valid reply the caller provides (an Anthropic or Responses SSE stream), so the
 * CLI finishes normally. Only loopback; nothing leaves the machine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  /** Path and query as received (e.g. `/v1/messages?beta=true`). */
  url: string;
  /** Lower-case header names; credential headers replaced by `<redacted>`. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface CaptureReply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export interface CaptureServerOptions {
  /** Reply for every request (may depend on the request, e.g. count_tokens vs messages). */
  reply: CaptureReply | ((req: CapturedRequest) => CaptureReply);
  /** Which request is "the" capture (default: the first POST). */
  match?: (req: CapturedRequest) => boolean;
  /** Header names (lower case) the plugin's CLI sends secrets in, besides the usual credential headers. */
  secretHeaders?: readonly string[];
}

export interface CaptureServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in order. */
  requests: CapturedRequest[];
  /** Resolves with the first matching request. */
  captured: Promise<CapturedRequest>;
  close(): Promise<void>;
}

const SECRET_HEADERS: readonly string[] = ['authorization', 'x-api-key', 'cookie', 'proxy-authorization'];

/** Replace credential header values (the CLI runs with a dummy key, but be safe regardless). */
export function redactHeaders(headers: http.IncomingHttpHeaders, secretHeaders: readonly string[] = []): Record<string, string> {
  const secret = new Set([...SECRET_HEADERS, ...secretHeaders.map((h) => h.toLowerCase())]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const key = k.toLowerCase();
    out[key] = secret.has(key) ? '<redacted>' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * @example
 * const cap = await startCaptureServer({ reply: { headers: { 'content-type': 'text/event-stream' }, body: sse } });
 * // run the CLI with its base URL = cap.url, then:
 * const req = await cap.captured; await cap.close();
 */
export async function startCaptureServer(opts: CaptureServerOptions): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const match = opts.match ?? ((r: CapturedRequest) => r.method === 'POST');
  let resolveCaptured!: (r: CapturedRequest) => void;
  const captured = new Promise<CapturedRequest>((resolve) => {
    resolveCaptured = resolve;
  });
  let done = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const rec: CapturedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: redactHeaders(req.headers, opts.secretHeaders), body };
      requests.push(rec);
      if (!done && match(rec)) {
        done = true;
        resolveCaptured(rec);
      }
      const reply = typeof opts.reply === 'function' ? opts.reply(rec) : opts.reply;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    captured,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
