/**
 * Chat upstream → Anthropic client (Claude Code on an OpenAI-compatible model): every fixture
 * converted non-stream (ChatCompletion → Message, read back by @anthropic-ai/sdk) and stream (chunks →
 * Anthropic events, checked against the Anthropic grammar and accumulated by the SDK's MessageStream).
 */
import { describe, expect, it } from 'vitest';
import { direction } from '../../../src/formats/chat-to-anthropic/index.js';
import type { JsonObject, StreamEvent } from '../../../src/formats/convert.js';
import { AnthropicResponseSchema, AnthropicStreamEventSchema } from '../../../src/formats/models/anthropic.js';
import { collect, fromArray } from '../helpers/fixtures.js';
import { runAnthropicJson, runAnthropicStream, toSse } from '../helpers/sdk-harness.js';
import { expectAnthropicGrammar } from '../helpers/grammar.js';
import { loadResponseFixtures } from './helpers.js';

const fixtures = loadResponseFixtures('chat-to-anthropic');

describe('chat-to-anthropic fixtures', () => {
  it('has the full fixture suite', () => {
    expect(fixtures.map((f) => f.name)).toEqual(
      expect.arrayContaining(['plain-text', 'single-tool-call', 'parallel-tool-calls', 'reasoning-content', 'reasoning-details-signature', 'max-tokens', 'stop-sequence', 'refusal', 'usage-cache-tokens', 'error-mid-stream']),
    );
  });

  for (const fx of fixtures) {
    describe(fx.name, () => {
      if (fx.upstream_response) {
        it('non-stream: expected message, valid, read by the Anthropic SDK', async () => {
          const out = direction.response(fx.upstream_response!, {});
          expect(AnthropicResponseSchema.safeParse(out).success).toBe(true);
          expect(out).toEqual(fx.expected);
          const run = await runAnthropicJson({ body: out });
          expect(run.error).toBeUndefined();
          expect(run.warnings).toEqual([]);
          expect(run.final).toEqual(fx.expected);
        });
      }

      it('stream: Anthropic grammar, and the SDK accumulates the expected message', async () => {
        const events = await collect(direction.stream(fromArray(fx.upstream_chunks!), {}));
        expectAnthropicGrammar(events);
        for (const e of events) expect(AnthropicStreamEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
        const run = await runAnthropicStream(await toSse('anthropic', events));
        expect(run.warnings).toEqual([]);
        if (fx.expected_error) {
          expect(run.error?.message).toContain(fx.expected_error.message);
          expect(events[events.length - 1]).toMatchObject({ type: 'error', error: fx.expected_error });
          return;
        }
        expect(run.error).toBeUndefined();
        // The SDK adds `parsed_output` (structured-output parsing); not ours to compare.
        const { parsed_output: _parsed, ...final } = JSON.parse(JSON.stringify(run.final)) as JsonObject;
        expect(final).toEqual(fx.expected);
      });
    });
  }
});

describe('chat-to-anthropic stream details', () => {
  const chunk = (delta: JsonObject, finish: string | null = null): StreamEvent => ({
    id: 'chatcmpl-x',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

  it('streams tool arguments as they arrive (one input_json_delta per upstream chunk)', async () => {
    const fx = fixtures.find((f) => f.name === 'parallel-tool-calls')!;
    const events = await collect(direction.stream(fromArray(fx.upstream_chunks!), {}));
    const partials = events.filter((e) => (e.delta as { type?: string } | undefined)?.type === 'input_json_delta').map((e) => [e.index, (e.delta as { partial_json: string }).partial_json]);
    expect(partials).toEqual([
      [0, '{"path":"a.txt"}'],
      [1, '{"path":'],
      [1, '"b.txt"}'],
    ]);
  });

  it('emits message_start and the first text delta before the upstream sends more', async () => {
    let pulled = 0;
    async function* upstream() {
      for (const c of [chunk({ role: 'assistant', content: 'Hi' }), chunk({ content: '!' }), chunk({}, 'stop')]) {
        pulled += 1;
        yield c;
      }
    }
    const at: Record<string, number> = {};
    for await (const e of direction.stream(upstream(), {})) {
      const key = e.type === 'content_block_delta' ? `delta:${(e.delta as { text: string }).text}` : String(e.type);
      at[key] ??= pulled;
    }
    expect(at).toMatchObject({ message_start: 1, 'delta:Hi': 1, 'delta:!': 2, message_delta: 3 });
  });

  it('never puts thinking inside a text block: reasoning after text opens a new block', async () => {
    const events = await collect(direction.stream(fromArray([chunk({ role: 'assistant', content: 'a' }), chunk({ reasoning_content: 'hmm' }), chunk({ content: 'b' }, 'stop')]), {}));
    expectAnthropicGrammar(events);
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => (e.content_block as { type: string }).type);
    expect(starts).toEqual(['text', 'thinking', 'text']);
  });

  it('makes up ids for tool calls without one, and reports an empty upstream as an error', async () => {
    const events = await collect(direction.stream(fromArray([chunk({ role: 'assistant', tool_calls: [{ index: 0, type: 'function', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls')]), {}));
    expect(events.find((e) => e.type === 'content_block_start')).toMatchObject({ content_block: { type: 'tool_use', id: 'toolu_x_0', name: 'f' } });
    expect(await collect(direction.stream(fromArray([]), {}))).toEqual([{ type: 'error', error: { type: 'api_error', message: expect.any(String) as string }, request_id: null }]);
  });

  it('converts an OpenAI error body to an Anthropic error body', () => {
    expect(direction.response({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, {})).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Rate limit reached' },
    });
  });
});
