/**
 * Anthropic stream → Chat chunks → Anthropic stream (a Chat hop between an Anthropic client and an
 * Anthropic upstream): the official SDK must rebuild the upstream's message, thinking signatures
 * and redacted thinking included (carried by `reasoning_details`). Known losses: which stop
 * sequence matched (Chat only says `stop`) and the cache-write split of input tokens.
 */
import { describe, expect, it } from 'vitest';
import { direction as anthropicToChat } from '../../../src/formats/anthropic-to-chat/index.js';
import { direction as chatToAnthropic } from '../../../src/formats/chat-to-anthropic/index.js';
import type { JsonObject } from '../../../src/formats/convert.js';
import { fromArray } from '../helpers/fixtures.js';
import { runAnthropicStream, toSse } from '../helpers/sdk-harness.js';
import { expectAnthropicGrammar } from '../helpers/grammar.js';
import { loadResponseFixtures } from './helpers.js';
import { collect } from '../helpers/fixtures.js';

const fixtures = loadResponseFixtures('anthropic-to-chat').filter((f) => f.upstream_response);

describe('Anthropic → Chat → Anthropic streams', () => {
  for (const fx of fixtures) {
    it(fx.name, async () => {
      const chat = anthropicToChat.stream(fromArray(fx.upstream_events!), { clientRequest: { stream_options: { include_usage: true } } });
      const events = await collect(chatToAnthropic.stream(chat, {}));
      expectAnthropicGrammar(events);
      const run = await runAnthropicStream(await toSse('anthropic', events));
      expect(run.error).toBeUndefined();
      expect(run.warnings).toEqual([]);
      const original = fx.upstream_response as JsonObject & { usage: Record<string, number> };
      const final = JSON.parse(JSON.stringify(run.final)) as JsonObject;
      expect(final.id).toBe(original.id);
      expect(final.model).toBe(original.model);
      expect(final.content).toEqual(original.content);
      expect(final.stop_reason).toBe(original.stop_reason === 'stop_sequence' ? 'end_turn' : original.stop_reason);
      const u = original.usage;
      expect(final.usage).toMatchObject({
        input_tokens: u.input_tokens! + (u.cache_creation_input_tokens ?? 0),
        cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
        output_tokens: u.output_tokens,
      });
    });
  }
});
