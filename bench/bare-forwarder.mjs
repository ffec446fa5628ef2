/**
 * The floor for any Node proxy: a bare `node:http` server that forwards every request to the
 * upstream with undici's lowest-level API (`dispatch` with a handler: no body stream, no promise)
 * and writes each upstream chunk straight to the client. Nothing else: no routing, no checks, no
 * parsing. `MODE=fastify` puts the same forwarding behind one Fastify route (with a raw-body
 * parser), which measures what the framework itself adds. Prints `{"port": N}`.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import Fastify from 'fastify';
import { Agent } from 'undici';

const upstream = new URL(process.env.UPSTREAM);
const agent = new Agent({ connections: 128, keepAliveTimeout: 60_000 });
const REQUEST_HEADERS = { 'content-type': 'application/json', 'x-api-key': 'bench' };

/** Forward `body` to the upstream at `path` and relay the answer to `res` (a ServerResponse). */
function forward(path, body, res) {
  agent.dispatch({ origin: upstream.origin, path, method: 'POST', body, headers: REQUEST_HEADERS }, {
    onRequestStart() {},
    onResponseStart(_c, status, headers) {
      const out = { 'content-type': headers['content-type'] };
      if (headers['content-length']) out['content-length'] = headers['content-length'];
      res.writeHead(status, out);
    },
    onResponseData(_c, chunk) {
      res.write(chunk);
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError() {
      res.destroy();
    },
  });
}

let server;
if (process.env.MODE === 'fastify') {
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/*', (request, reply) => {
    reply.hijack();
    forward(request.url, request.body, reply.raw);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  server = app.server;
} else {
  server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => forward(req.url, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), res));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}
server.keepAliveTimeout = 60_000;
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
// Exit normally on SIGTERM, so a `--cpu-prof` run writes its profile.
process.on('SIGTERM', () => process.exit(0));
