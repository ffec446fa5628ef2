/**
 * The lean fake upstream for the benchmark: as little work per request as Node allows, so the
 * numbers measure the proxies. Anthropic `POST /v1/messages` (JSON, or a 50-delta SSE stream when
 * the body has `"stream":true`), and the Codex backend `POST /backend-api/codex/responses` (a
 * 50-delta Responses stream). Model `bench-slow` streams its deltas 20 ms apart (for holding many
 * streams open at once). Prints `{"port": N}` once listening.
 */
import { Buffer } from 'node:buffer';
import { setImmediate, setInterval, clearInterval } from 'node:timers';
import http from 'node:http';

const DELTAS = 50;
const sse = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const message = JSON.stringify({
  id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6',
  content: [{ type: 'text', text: 'Hello from the benchmark upstream.' }],
  stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 20, output_tokens: 8 },
});

const anthropicHead = sse('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 20, output_tokens: 1 } } });
const anthropicBody = [
  sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...Array.from({ length: DELTAS }, (_, i) => sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `word${i} ` } })),
  sse('content_block_stop', { index: 0 }),
  sse('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: DELTAS } }),
  sse('message_stop', {}),
];

let seq = 0;
const rev = (type, data) => sse(type, { ...data, sequence_number: seq++ });
const resp = { id: 'resp_bench', object: 'response', created_at: 1_700_000_000, model: 'gpt-5.5', output: [], usage: null };
const text = Array.from({ length: DELTAS }, (_, i) => `word${i} `).join('');
const item = { id: 'msg_bench', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
const responsesHead = rev('response.created', { response: { ...resp, status: 'in_progress' } });
const responsesBody = [
  rev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
  rev('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
  ...Array.from({ length: DELTAS }, (_, i) => rev('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: `word${i} ` })),
  rev('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text }),
  rev('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: item.content[0] }),
  rev('response.output_item.done', { output_index: 0, item }),
  rev('response.completed', { response: { ...resp, status: 'completed', output: [item], usage: { input_tokens: 20, output_tokens: DELTAS, total_tokens: 20 + DELTAS } } }),
];
const anthropicRest = anthropicBody.join('');
const responsesRest = responsesBody.join('');
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/** First event at once, the rest on the next turn: a stream, not one blob (TTFB is meaningful). */
function stream(res, head, rest, parts) {
  res.writeHead(200, SSE_HEADERS);
  res.write(head);
  if (!parts) {
    setImmediate(() => res.end(rest));
    return;
  }
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed || i >= parts.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(parts[i++]);
  }, 20);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = req.url.split('?')[0];
    if (path.endsWith('/responses')) return stream(res, responsesHead, responsesRest);
    if (path === '/v1/messages') {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      // A substring test, not JSON.parse: the upstream must cost nothing measurable.
      const slow = body.includes('"bench-slow"');
      if (body.includes('"stream":true')) return stream(res, anthropicHead, anthropicRest, slow ? anthropicBody : null);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(message) });
      return res.end(message);
    }
    // The OTLP/HTTP traces endpoint for the observability run: accept and drop.
    if (path === '/v1/traces') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{}');
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"type":"error","error":{"type":"not_found_error","message":"not found"}}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
