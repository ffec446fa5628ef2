/** Both directions stream: a delta goes out before the upstream sends anything more. */
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/formats/convert.js';
import { convertStream } from '../../../src/formats/convert.js';

/** A source that yields `first`, then waits until released. */
function gated(first: StreamEvent[]): { source: AsyncIterable<StreamEvent>; release: () => void } {
  let release = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  async function* source() {
    for (const e of first) yield e;
    await gate;
  }
  return { source: source(), release };
}

async function takeUntil(it: AsyncIterator<StreamEvent>, pred: (e: StreamEvent) => boolean): Promise<StreamEvent> {
  for (;;) {
    const next = await it.next();
    if (next.done) throw new Error('stream ended');
    if (pred(next.value)) return next.value;
  }
}

describe('incremental conversion', () => {
  it('chat → responses: text and argument deltas go out immediately', async () => {
    const chunk = (delta: StreamEvent): StreamEvent => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] });
    const { source, release } = gated([
      chunk({ role: 'assistant', content: 'Hel' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] }),
    ]);
    const it = convertStream('chat', 'responses', source)[Symbol.asyncIterator]();
    expect(await takeUntil(it, (e) => e.type === 'response.output_text.delta')).toMatchObject({ delta: 'Hel' });
    expect(await takeUntil(it, (e) => e.type === 'response.function_call_arguments.delta')).toMatchObject({ delta: '{"a"' });
    release();
    await it.return?.();
  });

  it('responses → chat: text and argument deltas go out immediately', async () => {
    const { source, release } = gated([
      { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', object: 'response', created_at: 1, model: 'm', output: [] } },
      { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } },
      { type: 'response.output_text.delta', sequence_number: 2, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hel' },
      { type: 'response.output_item.added', sequence_number: 3, output_index: 1, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '' } },
      { type: 'response.function_call_arguments.delta', sequence_number: 4, item_id: 'fc_1', output_index: 1, delta: '{"a"' },
    ]);
    const it = convertStream('responses', 'chat', source)[Symbol.asyncIterator]();
    const content = (e: StreamEvent) => (e.choices as { delta: { content?: string } }[])[0]?.delta.content;
    expect(content(await takeUntil(it, (e) => Boolean(content(e))))).toBe('Hel');
    const args = (e: StreamEvent) => (e.choices as { delta: { tool_calls?: { function?: { arguments?: string } }[] } }[])[0]?.delta.tool_calls?.[0]?.function?.arguments;
    expect(args(await takeUntil(it, (e) => Boolean(args(e))))).toBe('{"a"');
    release();
    await it.return?.();
  });
});
