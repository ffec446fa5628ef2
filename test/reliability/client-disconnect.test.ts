/**
 * A client that goes away mid-stream makes the proxy abort its upstream request (one that would
 * otherwise stream for a minute), on the native passthrough and on both conversion paths, and nothing stays in flight.
 */
import { request as httpRequest } from 'node:http';
import { describe, it } from 'vitest';
import { anthropicBody, chatBody, expectQuiet, useFaultProxy, waitFor } from './helpers.js';

const t = useFaultProxy();

/** Start a stream, wait for its first bytes, then drop the connection. */
function readThenDisconnect(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end(JSON.stringify(body));
  });
}

const CASES = [
  { name: 'claude native passthrough', path: '/claude/v1/messages', body: anthropicBody(true) },
  { name: 'claude Chat → Anthropic conversion', path: '/claude/v1/chat/completions', body: chatBody(true) },
  { name: 'codex Anthropic → Responses conversion', path: '/codex/v1/messages', body: anthropicBody(true) },
];

describe('client disconnect mid-stream', () => {
  for (const c of CASES) {
    it(`${c.name}: the upstream request is aborted`, async () => {
      // Deltas 10 ms apart for a minute (longer than the test waits): the upstream response ends
      // early only if the proxy stops it.
      t.upstream.fault = { kind: 'ok', deltas: 6000, delayMs: 10 };
      const closedBefore = t.upstream.closedEarly;
      await readThenDisconnect(`${t.proxy.url}${c.path}`, c.body);
      await waitFor(() => t.upstream.closedEarly > closedBefore, 'the upstream response to be closed');
      await expectQuiet(t.proxy, t.upstream);
    });
  }
});
