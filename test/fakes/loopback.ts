/** What every fake server does the same way: listen on 127.0.0.1:0, close for good, read a body. */
import type http from 'node:http';
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
