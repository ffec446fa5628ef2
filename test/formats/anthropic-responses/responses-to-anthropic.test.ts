/**
 * Responses upstream → Anthropic client (e.g. Claude Code on a Codex model): every fixture is
 * converted non-stream (final Response → Message) and stream (events → Anthropic events), the
 * stream is checked against the Anthropic grammar and fed to @anthropic-ai/sdk's MessageStream,
 * whose final message must equal the fixture's expectation (and the non-stream result).
 */
import { describe, expect, it } from 'vitest';
import { AnthropicErrorBodySchema, AnthropicResponseSchema, ResponsesResponseSchema } from '../../../src/formats/models/index.js';
import { direction } from '../../../src/formats/responses-to-anthropic/index.js';
import { expectAnthropicGrammar } from '../helpers/grammar.js';
import { anthropicSdkFinal, collect, fromArray, loadFixtures } from './helpers.js';

const fixtures = loadFixtures('responses-to-anthropic');

describe('responses-to-anthropic fixtures', () => {
  it('has the full fixture suite', () => {
    expect(fixtures.map((f) => f.name)).toEqual(
      expect.arrayContaining(['plain-text', 'single-tool-call', 'parallel-tool-calls', 'reasoning-encrypted-content', 'max-tokens', 'refusal', 'usage-cache-tokens', 'error-mid-stream']),
    );
  });

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const isError = 'error' in fx.expected;

      it('non-stream', () => {
        if (!fx.upstream_response) return;
        expect(ResponsesResponseSchema.safeParse(fx.upstream_response).success).toBe(true);
        const out = direction.response(fx.upstream_response, {});
        expect(out).toEqual(isError ? fx.expected.error : fx.expected);
        expect((isError ? AnthropicErrorBodySchema : AnthropicResponseSchema).safeParse(out).success).toBe(true);
      });

      it('stream: Anthropic grammar, incremental, and the SDK accumulates the expected message', async () => {
        const events = await collect(direction.stream(fromArray(fx.upstream_events), {}));
        expectAnthropicGrammar(events);
        if (isError) {
          expect(events[events.length - 1]).toEqual(fx.expected.error);
          const partial = anthropicSdkFinal(events);
          await expect(partial).rejects.toThrow(String((fx.expected.error as { error: { message: string } }).error.message));
          return;
        }
        const final = await anthropicSdkFinal(events);
        expect(final).toMatchObject(fx.expected);
        expect(final.content).toEqual(fx.expected.content);
        expect(final.usage).toMatchObject(fx.expected.usage as object);
      });
    });
  }
});

describe('responses-to-anthropic stream incrementality', () => {
  it('emits each delta as soon as its upstream event arrives', async () => {
    const fx = fixtures.find((f) => f.name === 'parallel-tool-calls');
    if (!fx) throw new Error('fixture missing');
    const seen: string[] = [];
    async function* upstream(): AsyncIterable<Record<string, unknown>> {
      for (const ev of fx!.upstream_events) {
        seen.push(String(ev.type));
        yield ev;
      }
    }
    for await (const ev of direction.stream(upstream(), {})) {
      const delta = ev.delta as { type?: string } | undefined;
      if (delta?.type === 'input_json_delta') expect(seen[seen.length - 1]).toBe('response.function_call_arguments.delta');
      if (delta?.type === 'text_delta') expect(seen[seen.length - 1]).toBe('response.output_text.delta');
    }
  });

  it('reports an upstream that ends without a terminal event as an error event', async () => {
    const fx = fixtures.find((f) => f.name === 'plain-text');
    const events = await collect(direction.stream(fromArray(fx!.upstream_events.slice(0, 6)), {}));
    expectAnthropicGrammar(events);
    expect(events[events.length - 1]?.type).toBe('error');
  });

  it('replays the output of an upstream that only sends terminal events', async () => {
    for (const name of ['parallel-tool-calls', 'reasoning-encrypted-content']) {
      const fx = fixtures.find((f) => f.name === name)!;
      const terse = fx.upstream_events.filter((e) => e.type === 'response.created' || e.type === 'response.completed');
      const events = await collect(direction.stream(fromArray(terse), {}));
      expectAnthropicGrammar(events);
      expect(await anthropicSdkFinal(events)).toMatchObject(fx.expected);
    }
  });

  it('takes text and reasoning from done events when an upstream sends no deltas', async () => {
    const fx = fixtures.find((f) => f.name === 'reasoning-encrypted-content')!;
    const noDeltas = fx.upstream_events.filter((e) => !String(e.type).endsWith('.delta'));
    const events = await collect(direction.stream(fromArray(noDeltas), {}));
    expectAnthropicGrammar(events);
    expect(await anthropicSdkFinal(events)).toMatchObject(fx.expected);
  });

  it('uses opts.model for the message model', async () => {
    const fx = fixtures.find((f) => f.name === 'plain-text');
    const events = await collect(direction.stream(fromArray(fx!.upstream_events), { model: 'claude-opus-5-5' }));
    expect((events[0]?.message as { model: string }).model).toBe('claude-opus-5-5');
    expect(direction.response(fx!.upstream_response!, { model: 'claude-opus-5-5' }).model).toBe('claude-opus-5-5');
  });
});
