/** What every fake server does the same way: listen on 127.0.0.1:0, close for good, read a body. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listen on an ephemeral loopback port; resolves to `http://127.0.0.1:<port>`. */
export async function listenLoopback(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Close the server and drop keep-alive connections so tests end promptly. */
export async function closeServer(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The body as a JSON object (`{}` when empty), or `undefined` when it is not JSON: the fake answers 400 in its API's words. */
export function parseJsonBody(raw: Buffer): Record<string, unknown> | undefined {
  if (!raw.length) return {};
  try {
    return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * A fake server's life on loopback: `start()` listens and sets `url`, `close()` ends it for good.
 * Subclasses answer each request in `handle`.
 */
export abstract class LoopbackFake {
  url = '';
  protected readonly server = http.createServer((req, res) => {
    void this.handle(req, res).catch((err: unknown) => this.handlerFailed(err, res));
  });

  async start(): Promise<this> {
    this.url = await listenLoopback(this.server);
    return this;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;

  /** A bug in the fake itself: by default it surfaces in the test run as an unhandled rejection. */
  protected handlerFailed(err: unknown, _res: http.ServerResponse): void {
    throw err;
  }
}
