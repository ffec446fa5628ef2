/**
 * The floor for any Node proxy: a bare `node:http` server that forwards every request to the
 * upstream with undici and pipes the answer back, nothing else. Prints `{"port": N}`.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { Agent, request } from 'undici';

const upstream = process.env.UPSTREAM;
const agent = new Agent({ connections: 128, keepAliveTimeout: 60_000 });
const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const up = await request(`${upstream}${req.url}`, {
      method: req.method, dispatcher: agent, body: Buffer.concat(chunks),
      headers: { 'content-type': 'application/json', 'x-api-key': 'bench' },
    });
    res.writeHead(up.statusCode, { 'content-type': up.headers['content-type'] });
    for await (const c of up.body) res.write(c);
    res.end();
  } catch {
    res.destroy();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
