import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorEvent } from '../../src/formats/errors.js';
import { parseSse, parseSseStream, serializeSse, serializeSseEvent, serializeSseStream } from '../../src/formats/sse.js';
import { collect, fromArray, loadStreamFixtures } from './helpers/fixtures.js';

const enc = new TextEncoder();

/** Splits `text` at the given cut points (as bytes, so multi-byte characters get split too). */
function cutBytes(text: string, cuts: number[]): Uint8Array[] {
  const bytes = enc.encode(text);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('parseSse', () => {
  it('handles event/id/data fields, multi-line data, comments and a missing final blank line', async () => {
    const text = ': keep-alive\n\nevent: a\nid: 7\ndata: {"x":1}\n\ndata: line1\ndata: line2\n\n:ping\ndata: last';
    const messages = await collect(parseSse(fromArray([text])));
    expect(messages).toEqual([{ event: 'a', id: '7', data: '{"x":1}' }, { data: 'line1\nline2' }, { data: 'last' }]);
  });

  it('property: random byte boundaries, CRLF vs LF and interleaved comments give the same events', async () => {
    const fixtures = loadStreamFixtures();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtures),
        fc.array(fc.nat({ max: 100_000 }), { maxLength: 40 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        async (fixture, cuts, eol, comments) => {
          const framed = fixture.events.map((e) => serializeSseEvent(fixture.format, e));
          const text = framed
            .map((f) => (comments ? `: ping ${f.length}\n${f}` : f))
            .join('')
            .replaceAll('\n', eol);
          const events = await collect(parseSseStream(fixture.format, fromArray(cutBytes(text, cuts))));
          expect(events).toEqual(fixture.events);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('parseSseStream', () => {
  it('drops [DONE] and keeps Anthropic pings', async () => {
    const chat = await collect(parseSseStream('chat', fromArray(['data: {"id":"1","choices":[]}\n\n', 'data: [DONE]\n\n'])));
    expect(chat).toEqual([{ id: '1', choices: [] }]);
    const anthropic = await collect(parseSseStream('anthropic', fromArray(['event: ping\ndata: {"type": "ping"}\n\n'])));
    expect(anthropic).toEqual([{ type: 'ping' }]);
  });

  it('takes the type from the event name when data lacks it', async () => {
    const events = await collect(parseSseStream('anthropic', fromArray(['event: message_stop\ndata: {}\n\n'])));
    expect(events).toEqual([{ type: 'message_stop' }]);
  });

  it('malformed JSON becomes one error event of the format (saying so, not quoting it), then the stream ends', async () => {
    const src = ['data: {"type":"response.created","sequence_number":0,"response":{}}\n\n', 'data: {not json\n\n', 'data: {"type":"x"}\n\n'];
    const responses = await collect(parseSseStream('responses', fromArray(src)));
    expect(responses).toHaveLength(2);
    expect(responses[1]).toMatchObject({ type: 'error', sequence_number: 1, message: 'Upstream answered something unreadable: stream data that is not valid JSON' });
    const anthropic = await collect(parseSseStream('anthropic', fromArray(['data: nope sk-ant-secret\n\n'])));
    expect(anthropic).toEqual([{ type: 'error', error: { type: 'api_error', message: 'Upstream answered something unreadable: stream data that is not valid JSON' }, request_id: null }]);
    const chat = await collect(parseSseStream('chat', fromArray(['data: nope\n\n'])));
    expect(chat[0]).toMatchObject({ error: { type: 'server_error' } });
  });
});

describe('a broken byte source', () => {
  async function* broken(): AsyncIterable<string> {
    yield 'event: message_start\ndata: {"type":"message_start","message":{}}\n\n';
    throw new Error('socket hang up');
  }

  it('parseSseStream ends with the format’s error event; parseSse rethrows', async () => {
    const events = await collect(parseSseStream('anthropic', broken()));
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringContaining('socket hang up') } });
    await expect(collect(parseSse(broken()))).rejects.toThrow('socket hang up');
  });
});

describe('serialize', () => {
  it('frames per format and ends Chat with [DONE] (not after an error)', async () => {
    expect(serializeSseEvent('anthropic', { type: 'ping' })).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    expect(serializeSseEvent('chat', { id: 'x' })).toBe('data: {"id":"x"}\n\n');
    const ok = await collect(serializeSseStream('chat', fromArray([{ id: 'x', choices: [] }])));
    expect(ok).toEqual(['data: {"id":"x","choices":[]}\n\n', 'data: [DONE]\n\n']);
    const failed = await collect(serializeSseStream('chat', fromArray([{ error: { message: 'boom' } }])));
    expect(failed).toEqual(['data: {"error":{"message":"boom"}}\n\n']);
  });

  it('stamps the request id on Anthropic error events that have none, and only on those', async () => {
    const events = [
      { type: 'message_start' },
      errorEvent('anthropic', { kind: 'overloaded', message: 'Overloaded' }),
      { type: 'error', error: { type: 'api_error', message: 'upstream' }, request_id: 'req_upstream' },
    ];
    const text = await collect(serializeSseStream('anthropic', fromArray(events), { requestId: 'req-42' }));
    expect(text.map((t) => JSON.parse(t.split('data: ')[1]!) as Record<string, unknown>).map((e) => e.request_id)).toEqual([undefined, 'req-42', 'req_upstream']);
    const chat = await collect(serializeSseStream('chat', fromArray([errorEvent('chat', { kind: 'api_error', message: 'x' })]), { requestId: 'req-42' }));
    expect(chat[0]).not.toContain('req-42');
  });

  it('refuses line breaks in event names and ids, splits multi-line data', () => {
    expect(() => serializeSseEvent('anthropic', { type: 'a\nb' })).toThrow(/line breaks/);
    expect(() => serializeSse({ id: 'x\ry', data: '' })).toThrow(/line breaks/);
    expect(serializeSse({ event: 'e', data: 'one\r\ntwo\nthree' })).toBe('event: e\ndata: one\ndata: two\ndata: three\n\n');
  });

  it('round trip: serialize then parse gives the events back', async () => {
    for (const fixture of loadStreamFixtures()) {
      const text = await collect(serializeSseStream(fixture.format, fromArray(fixture.events)));
      const back = await collect(parseSseStream(fixture.format, fromArray(text)));
      expect(back).toEqual(fixture.events);
    }
  });
});
