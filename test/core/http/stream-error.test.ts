/**
 * A stream that fails after it started ends with the route API's own error event, written by the
 * core: a plugin's stream only throws. Anthropic `event: error` with the request id, a Chat error
 * object without `[DONE]`, a Responses `error` event; an upstream cut mid-event is closed first; an
 * unknown error leaks nothing. The formats' writer ends converted streams with the same event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterResponse, ApiFormat } from '../../../src/core/adapter.js';
import { ProxyError } from '../../../src/core/errors.js';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { serializeSseStream } from '../../../src/formats/sse.js';
import { fakeProvider } from '../helpers/fake-plugin.js';
import { rawRequest } from '../helpers/http-client.js';

/** What each route's stream sends before it fails. */
const FIRST: Record<ApiFormat, string> = {
  anthropic: 'event: message_start\ndata: {"type":"message_start"}\n\n',
  chat: 'data: {"object":"chat.completion.chunk","choices":[]}\n\n',
  responses: 'event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\n',
};

function socketError(): Error {
  return Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
}

const plugin = fakeProvider({
  name: 'fake',
  handle: async (req): Promise<AdapterResponse> => {
    const mode = req.body.get('mode');
    const events = (async function* () {
      // A passthrough cut in the middle of an event, or a whole event first.
      yield mode === 'cut' ? 'event: content_block_delta\ndata: {"ty' : FIRST[req.api];
      if (mode === 'timeout') throw new ProxyError('timeout', 'CLI was silent');
      if (mode === 'bug') throw new Error('secret internals');
      throw socketError();
    })();
    return { kind: 'stream', status: 200, events };
  },
});

let proxy: RunningProxy;
beforeAll(async () => {
  proxy = await startProxy({ env: {}, overrides: { server: { port: 0 }, logging: { level: 'silent' } }, plugins: [plugin] });
});
afterAll(() => proxy.close());

const post = (path: string, body: unknown) =>
  rawRequest(`${proxy.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-request-id': 'req-stream-1' } });

describe('the core ends a failed stream with the route API error event', () => {
  it('Anthropic: event: error with the request id', async () => {
    const r = await post('/fake/v1/messages', { model: 'm', stream: true });
    expect(r.status).toBe(200);
    expect(r.body).toBe(
      `${FIRST.anthropic}event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Upstream stream interrupted: other side closed"},"request_id":"req-stream-1"}\n\n`,
    );
  });

  it('Chat: an error object, and no [DONE] after it', async () => {
    const r = await post('/fake/v1/chat/completions', { model: 'm', stream: true, mode: 'timeout' });
    expect(r.status).toBe(200);
    expect(r.body.startsWith(FIRST.chat)).toBe(true);
    const last = r.body.slice(FIRST.chat.length);
    expect(last).toMatch(/^data: \{"error":\{"message":"CLI was silent","type":"timeout_error"/);
    expect(last).not.toContain('[DONE]');
  });

  it('Responses: an error event with code and message', async () => {
    const r = await post('/fake/v1/responses', { model: 'm', stream: true });
    expect(r.status).toBe(200);
    expect(r.body.slice(FIRST.responses.length)).toMatch(/^event: error\ndata: \{"type":"error","code":"server_error","message":"Upstream stream interrupted: other side closed","param":null,"sequence_number":\d+\}\n\n$/);
  });

  it('an event cut in the middle is ended before the error event, which then parses on its own', async () => {
    const r = await post('/fake/v1/messages', { model: 'm', stream: true, mode: 'cut' });
    expect(r.body).toMatch(/data: \{"ty\n\nevent: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
  });

  it('an unknown error leaks nothing', async () => {
    const r = await post('/fake/v1/responses', { model: 'm', stream: true, mode: 'bug' });
    expect(r.body).toContain('event: error');
    expect(r.body).toContain('Internal proxy error');
    expect(r.body).not.toContain('secret');
  });
});

describe('serializeSseStream ends a converted stream the same way', () => {
  async function* failing(err: Error): AsyncGenerator<Record<string, unknown>> {
    yield { type: 'message_start', n: 1 };
    throw err;
  }
  async function text(it: AsyncIterable<string>): Promise<string> {
    let s = '';
    for await (const c of it) s += c;
    return s;
  }

  it('per API, with the request id (Anthropic), without [DONE] (Chat), numbered (Responses)', async () => {
    const timeout = new ProxyError('timeout', 'CLI was silent');
    expect(await text(serializeSseStream('anthropic', failing(timeout), { requestId: 'req-7' }))).toContain(
      'event: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"CLI was silent"},"request_id":"req-7"}',
    );
    const chat = await text(serializeSseStream('chat', failing(timeout)));
    expect(chat).toContain('data: {"error":{"message":"CLI was silent","type":"timeout_error"');
    expect(chat).not.toContain('[DONE]');
    expect(await text(serializeSseStream('responses', failing(timeout)))).toContain('event: error\ndata: {"type":"error","code":"timeout_error","message":"CLI was silent","param":null');
    expect(await text(serializeSseStream('responses', failing(new Error('secret internals'))))).not.toContain('secret');
  });
});
