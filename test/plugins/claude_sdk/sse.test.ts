/** SSE framing per API, including the mid-stream error event after a failure. */
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../../src/core/errors.js';
import { serializeSse } from '../../../src/plugins/claude_sdk/sse.js';

async function* events(fail: boolean): AsyncGenerator<Record<string, unknown>> {
  yield { type: 'message_start', n: 1 };
  if (fail) throw new ProxyError('timeout', 'CLI was silent');
}

async function collect(it: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of it) s += c;
  return s;
}

describe('serializeSse', () => {
  it('anthropic: named events, error event on failure', async () => {
    expect(await collect(serializeSse('anthropic', events(false), 'p'))).toBe('event: message_start\ndata: {"type":"message_start","n":1}\n\n');
    const failed = await collect(serializeSse('anthropic', events(true), 'p', 'req-7'));
    expect(failed).toContain('event: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"CLI was silent"},"request_id":"req-7"}');
  });

  it('chat: data lines and [DONE]; an error object ends the stream without [DONE]', async () => {
    expect(await collect(serializeSse('chat', events(false), 'p'))).toBe('data: {"type":"message_start","n":1}\n\ndata: [DONE]\n\n');
    const failed = await collect(serializeSse('chat', events(true), 'p'));
    expect(failed).toContain('data: {"error":{"message":"CLI was silent","type":"timeout_error"');
    expect(failed).not.toContain('[DONE]');
  });

  it('responses: an `error` event with code and message; unknown errors leak nothing', async () => {
    const failed = await collect(serializeSse('responses', events(true), 'p'));
    expect(failed).toContain('event: error\ndata: {"type":"error","code":"timeout_error","message":"CLI was silent","param":null');
    async function* boom(): AsyncGenerator<Record<string, unknown>> {
      yield* [];
      throw new Error('secret internals');
    }
    const generic = await collect(serializeSse('responses', boom(), 'p'));
    expect(generic).not.toContain('secret');
  });
});
