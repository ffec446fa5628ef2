/**
 * Anthropic upstream → Chat client (an OpenAI SDK app on a Claude model): every fixture converted
 * non-stream (Message → ChatCompletion, read back by the openai SDK) and stream (Anthropic events →
 * chunks, checked against the Chat grammar and accumulated by openai's ChatCompletionStream).
 */
import { describe, expect, it } from 'vitest';
import { direction } from '../../../src/formats/anthropic-to-chat/index.js';
import type { ConvertOptions, JsonObject } from '../../../src/formats/convert.js';
import { ChatChunkSchema, ChatResponseSchema, OpenAIErrorBodySchema } from '../../../src/formats/models/chat.js';
import { collect, fromArray } from '../helpers/fixtures.js';
import { runChatJson, runChatStream, toSse } from '../helpers/sdk-harness.js';
import { expectChatGrammar } from '../helpers/grammar.js';
import { loadResponseFixtures, normalizeArgs } from './helpers.js';

const fixtures = loadResponseFixtures('anthropic-to-chat');

interface ChoiceLike {
  message: JsonObject;
  finish_reason: string;
}

describe('anthropic-to-chat fixtures', () => {
  it('has the full fixture suite', () => {
    expect(fixtures.map((f) => f.name)).toEqual(
      expect.arrayContaining(['plain-text', 'single-tool-call', 'parallel-tool-calls', 'thinking-signature', 'max-tokens', 'stop-sequence', 'refusal', 'usage-cache-tokens', 'error-mid-stream']),
    );
  });

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const opts: ConvertOptions = fx.client_request ? { clientRequest: fx.client_request } : {};
      const includeUsage = (fx.client_request?.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;

      if (fx.upstream_response) it('non-stream: expected completion, valid, read by the openai SDK', async () => {
        const out = direction.response(fx.upstream_response!, opts);
        expect(ChatResponseSchema.safeParse(out).success).toBe(true);
        expect(normalizeArgs(out)).toMatchObject(normalizeArgs(fx.expected));
        const run = await runChatJson({ body: out });
        expect(run.error).toBeUndefined();
        expect(run.warnings).toEqual([]);
        expect(normalizeArgs(run.final?.choices[0]?.message)).toEqual(normalizeArgs((fx.expected.choices as ChoiceLike[])[0]!.message));
      });

      it('stream: Chat grammar, and the openai SDK accumulates the expected completion', async () => {
        const events = await collect(direction.stream(fromArray(fx.upstream_events!), opts));
        expectChatGrammar(events, { usage: includeUsage });
        for (const e of events) expect((e.error ? OpenAIErrorBodySchema : ChatChunkSchema).safeParse(e).success).toBe(true);
        const run = await runChatStream(await toSse('chat', events), { includeUsage });
        expect(run.warnings).toEqual([]);
        if (fx.expected_error) {
          expect(run.error?.message).toContain(fx.expected_error.message);
          return;
        }
        expect(run.error).toBeUndefined();
        // The SDK adds `parsed`/`parsed_arguments` (structured-output parsing); not ours to compare.
        const final = JSON.parse(JSON.stringify(run.final), (k, v: unknown) => (k === 'parsed' || k === 'parsed_arguments' ? undefined : v)) as JsonObject;
        const expectedChoice = (fx.expected.choices as ChoiceLike[])[0]!;
        const choice = (final.choices as ChoiceLike[])[0]!;
        // The SDK keeps the LAST value of non-standard delta fields, so reasoning_content is checked
        // from the deltas themselves; everything else must match the non-stream completion.
        const { reasoning_content: expectedReasoning, ...expectedMessage } = expectedChoice.message;
        const { reasoning_content: _sdkReasoning, ...message } = choice.message;
        expect(message).toEqual(expectedMessage);
        expect(choice.finish_reason).toBe(expectedChoice.finish_reason);
        expect(final.id).toBe(fx.expected.id);
        expect(final.model).toBe(fx.expected.model);
        const streamed = events.flatMap((e) => (e.choices as { delta: JsonObject }[] | undefined) ?? []).map((c) => c.delta.reasoning_content ?? '').join('');
        expect(streamed).toBe(expectedReasoning ?? '');
        if (includeUsage) expect(final.usage).toEqual(fx.expected.usage);
        else expect(events.some((e) => Array.isArray(e.choices) && e.choices.length === 0)).toBe(false);
      });
    });
  }
});

describe('anthropic-to-chat details', () => {
  it('emits each text delta before the upstream sends the next event', async () => {
    const fx = fixtures.find((f) => f.name === 'plain-text')!;
    const pulled: string[] = [];
    async function* upstream() {
      for (const e of fx.upstream_events!) {
        pulled.push(String(e.type));
        yield e;
      }
    }
    const seen: number[] = [];
    for await (const chunk of direction.stream(upstream(), {})) {
      const delta = (chunk.choices as { delta: { content?: string } }[] | undefined)?.[0]?.delta;
      if (delta?.content) seen.push(pulled.length);
    }
    // text deltas are events 4, 5, 6 (after message_start, ping, content_block_start)
    expect(seen).toEqual([4, 5, 6]);
  });

  it('reports a stream that ends before message_stop as an error object', async () => {
    const fx = fixtures.find((f) => f.name === 'plain-text')!;
    const events = await collect(direction.stream(fromArray(fx.upstream_events!.slice(0, 4)), {}));
    expect(events[events.length - 1]).toMatchObject({ error: { message: expect.stringContaining('message_stop') } });
  });

  it('converts an Anthropic error body to an OpenAI error body', () => {
    const out = direction.response({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, {});
    expect(out).toMatchObject({ error: { message: 'slow down', type: 'rate_limit_error' } });
  });

  it('drops server tool blocks deliberately', () => {
    const drops: string[] = [];
    const out = direction.response(
      { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }, { type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } },
      { onDrop: (f) => drops.push(f) },
    );
    expect(drops).toEqual(['content.server_tool_use']);
    expect((out.choices as ChoiceLike[])[0]!.message.content).toBe('ok');
  });
});
