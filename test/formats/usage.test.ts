/**
 * One usage model from each API's usage object, and from each API's streams (parsed events and
 * raw SSE bytes): input without the cache, cache reads, cache writes, output incl. reasoning.
 */
import { describe, expect, it } from 'vitest';
import { anthropicUsage, chatUsage, responsesUsage, UsageMeter, type Usage } from '../../src/formats/index.js';
import { serializeSseEvent } from '../../src/formats/sse.js';
import { collect, fromArray, loadStreamFixtures } from './helpers/fixtures.js';

const usage = (u: Partial<Usage>): Usage => ({ uncachedInputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...u });
const fixture = (name: string) => loadStreamFixtures().find((f) => f.name === name)!;

describe('usage objects', () => {
  it('Anthropic: input_tokens already excludes the cache', () => {
    expect(anthropicUsage({ input_tokens: 10, cache_read_input_tokens: 200, cache_creation_input_tokens: 30, output_tokens: 7 })).toEqual(
      usage({ uncachedInputTokens: 10, cacheReadTokens: 200, cacheWriteTokens: 30, outputTokens: 7 }),
    );
    // null cache fields (the API's default) count as none
    expect(anthropicUsage({ input_tokens: 3, output_tokens: 1, cache_read_input_tokens: null, cache_creation_input_tokens: null })).toEqual(
      usage({ uncachedInputTokens: 3, outputTokens: 1 }),
    );
  });

  it('Chat: prompt_tokens includes cached and cache-write tokens; completion_tokens includes reasoning', () => {
    const u = {
      prompt_tokens: 2520, completion_tokens: 64, total_tokens: 2584,
      prompt_tokens_details: { cached_tokens: 2048, cache_write_tokens: 100 },
      completion_tokens_details: { reasoning_tokens: 40 },
    };
    expect(chatUsage(u)).toEqual(usage({ uncachedInputTokens: 372, cacheReadTokens: 2048, cacheWriteTokens: 100, outputTokens: 64, reasoningTokens: 40 }));
    expect(chatUsage({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 })).toEqual(usage({ uncachedInputTokens: 5, outputTokens: 2 }));
  });

  it('Responses: input_tokens includes cached and cache-write tokens; output_tokens includes reasoning', () => {
    const u = {
      input_tokens: 3136, input_tokens_details: { cached_tokens: 1024, cache_write_tokens: 12 },
      output_tokens: 212, output_tokens_details: { reasoning_tokens: 128 }, total_tokens: 3348,
    };
    expect(responsesUsage(u)).toEqual(usage({ uncachedInputTokens: 2100, cacheReadTokens: 1024, cacheWriteTokens: 12, outputTokens: 212, reasoningTokens: 128 }));
  });

  it('nothing reported is undefined, not zeros', () => {
    for (const read of [anthropicUsage, chatUsage, responsesUsage]) {
      expect(read(undefined)).toBeUndefined();
      expect(read(null)).toBeUndefined();
      expect(read({})).toBeUndefined();
    }
  });
});

describe('UsageMeter', () => {
  it('Anthropic stream: message_start counts, then message_delta output (cumulative)', async () => {
    const f = fixture('anthropic-thinking-text-tools');
    const meter = new UsageMeter('anthropic');
    const passed = await collect(meter.tap(fromArray(f.events)));
    expect(passed).toEqual(f.events);
    expect(meter.usage).toEqual(usage({ uncachedInputTokens: 472, cacheWriteTokens: 120, cacheReadTokens: 2048, outputTokens: 89 }));
    expect(meter.model).toBe('claude-sonnet-4-5');
  });

  it('Anthropic stream: a message_delta with cumulative input counts replaces the start ones; nulls keep them', () => {
    const meter = new UsageMeter('anthropic');
    meter.event({ type: 'message_start', message: { model: 'm', usage: { input_tokens: 5, cache_read_input_tokens: 9, cache_creation_input_tokens: 0, output_tokens: 1 } } });
    meter.event({ type: 'message_delta', delta: {}, usage: { input_tokens: 6, cache_read_input_tokens: null, cache_creation_input_tokens: 4, output_tokens: 30 } });
    expect(meter.usage).toEqual(usage({ uncachedInputTokens: 6, cacheReadTokens: 9, cacheWriteTokens: 4, outputTokens: 30 }));
  });

  it('Chat stream: the final usage chunk', async () => {
    const f = fixture('chat-text-tools-usage');
    const meter = new UsageMeter('chat', 'gpt-4.1');
    await collect(meter.tap(fromArray(f.events)));
    expect(meter.usage).toEqual(usage({ uncachedInputTokens: 472, cacheReadTokens: 2048, outputTokens: 64 }));
    // the model given wins over the one the upstream names
    expect(meter.model).toBe('gpt-4.1');
  });

  it('Chat stream without a usage chunk reports nothing', async () => {
    const meter = new UsageMeter('chat');
    await collect(meter.tap(fromArray(fixture('chat-length').events.filter((e) => !e.usage))));
    expect(meter.usage).toBeUndefined();
  });

  it('Responses stream: response.completed, or response.incomplete', async () => {
    const meter = new UsageMeter('responses');
    await collect(meter.tap(fromArray(fixture('responses-reasoning-text-tool').events)));
    expect(meter.usage).toEqual(usage({ uncachedInputTokens: 2112, cacheReadTokens: 1024, outputTokens: 212, reasoningTokens: 128 }));
    expect(meter.model).toBe('gpt-5-2025-08-07');

    const cut = new UsageMeter('responses');
    await collect(cut.tap(fromArray(fixture('responses-incomplete').events)));
    expect(cut.usage).toEqual(usage({ uncachedInputTokens: 12, outputTokens: 4 }));
  });

  it('raw SSE bytes, split anywhere, give the same usage as the parsed events', () => {
    for (const name of ['anthropic-thinking-text-tools', 'chat-text-tools-usage', 'responses-reasoning-text-tool']) {
      const f = fixture(name);
      const parsed = new UsageMeter(f.format);
      for (const e of f.events) parsed.event(e);
      const text = f.events.map((e) => serializeSseEvent(f.format, e)).join('');
      const bytes = new UsageMeter(f.format);
      // 7-byte pieces cut lines (and multi-byte characters) apart
      const buf = Buffer.from(text);
      for (let i = 0; i < buf.length; i += 7) bytes.sse(buf.subarray(i, i + 7));
      expect(bytes.usage, name).toEqual(parsed.usage);
      expect(bytes.usage, name).toBeDefined();
    }
  });

  it('complete responses: the body usage, per API', () => {
    const a = new UsageMeter('anthropic');
    a.response({ type: 'message', model: 'claude-x', usage: { input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 3, cache_creation_input_tokens: 4 } });
    expect(a.usage).toEqual(usage({ uncachedInputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4 }));
    expect(a.model).toBe('claude-x');
    const c = new UsageMeter('chat');
    c.response({ object: 'chat.completion', usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 4 } } });
    expect(c.usage).toEqual(usage({ uncachedInputTokens: 6, cacheReadTokens: 4, outputTokens: 5 }));
    const r = new UsageMeter('responses');
    r.response({ object: 'response', usage: { input_tokens: 10, output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 } } });
    expect(r.usage).toEqual(usage({ uncachedInputTokens: 10, outputTokens: 5, reasoningTokens: 2 }));
  });
});
