/**
 * Anthropic upstream → Responses client (e.g. Codex on a Claude model): every fixture is converted
 * non-stream (Message → Response) and stream (Anthropic events → Responses events); the stream is
 * checked against the Responses grammar and fed to openai's ResponseStream, whose final response
 * must carry the expected output, status and usage.
 */
import { describe, expect, it } from 'vitest';
import { direction } from '../../../src/formats/anthropic-to-responses/index.js';
import type { ConvertOptions } from '../../../src/formats/convert.js';
import { AnthropicResponseSchema, ResponsesResponseSchema } from '../../../src/formats/models/index.js';
import { expectResponsesGrammar } from '../helpers/grammar.js';
import { collect, fromArray, loadFixtures, openaiSdkFinal } from './helpers.js';

const fixtures = loadFixtures('anthropic-to-responses');

function normalizeArgs(output: unknown): unknown {
  return JSON.parse(JSON.stringify(output), (k, v: unknown) => (k === 'arguments' && typeof v === 'string' ? JSON.parse(v) : v)) as unknown;
}

describe('anthropic-to-responses fixtures', () => {
  it('has the full fixture suite', () => {
    expect(fixtures.map((f) => f.name)).toEqual(
      expect.arrayContaining(['plain-text', 'single-tool-call', 'parallel-tool-calls', 'thinking-signature', 'max-tokens', 'stop-sequence', 'refusal', 'usage-cache-tokens', 'error-mid-stream']),
    );
  });

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const opts: ConvertOptions = fx.client_request ? { clientRequest: fx.client_request } : {};

      it('non-stream', () => {
        if (!fx.upstream_response) return;
        expect(AnthropicResponseSchema.safeParse(fx.upstream_response).success).toBe(true);
        const out = direction.response(fx.upstream_response, opts);
        expect(ResponsesResponseSchema.safeParse(out).success).toBe(true);
        const { output: _output, ...rest } = fx.expected;
        expect(out).toMatchObject(rest);
        // Non-stream arguments are re-serialized from the parsed input (whitespace may differ).
        expect(normalizeArgs(out.output)).toEqual(normalizeArgs(fx.expected.output));
      });

      it('stream: Responses grammar, and the SDK accumulates the expected response', async () => {
        const events = await collect(direction.stream(fromArray(fx.upstream_events), opts));
        expectResponsesGrammar(events, { sequentialItems: true });
        const final = await openaiSdkFinal(events);
        expect(final).toMatchObject(fx.expected);
        // The SDK adds `parsed`/`parsed_arguments` (structured-output parsing); ignore them.
        const output = JSON.parse(JSON.stringify(final.output, (k, v: unknown) => (k === 'parsed' || k === 'parsed_arguments' ? undefined : v))) as unknown;
        if (fx.expected.output) expect(output).toEqual(fx.expected.output);
        const terminal = events[events.length - 1] as { response: { output: unknown[] } };
        expect(terminal.response.output).toEqual(output);
      });
    });
  }
});

describe('anthropic-to-responses stream details', () => {
  it('streams custom tool input decoded from the JSON deltas as they arrive', async () => {
    const fx = fixtures.find((f) => f.name === 'custom-tool-call')!;
    const events = await collect(direction.stream(fromArray(fx.upstream_events), { clientRequest: fx.client_request! }));
    const deltas = events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => e.delta as string);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe((fx.expected.output as { input: string }[])[0]!.input);
  });

  it('reports an upstream that ends before message_stop as response.failed', async () => {
    const fx = fixtures.find((f) => f.name === 'plain-text')!;
    const events = await collect(direction.stream(fromArray(fx.upstream_events.slice(0, 4)), {}));
    expectResponsesGrammar(events, { sequentialItems: true });
    expect(events[events.length - 1]).toMatchObject({ type: 'response.failed', response: { status: 'failed' } });
  });
});
