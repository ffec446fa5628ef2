/**
 * Our accumulators against the official SDKs' accumulation of the same fixture streams: the
 * fields a client reads (content, tool calls, thinking + signature, reasoning, usage, stop) agree.
 */
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { accumulateStream } from '../../../src/formats/convert.js';
import { fromArray, loadStreamFixtures } from '../helpers/fixtures.js';
import { runAnthropicStream, runChatStream, runResponsesStream, toSse } from '../helpers/sdk-harness.js';

const ok = (name: string) => !name.includes('error');

describe('accumulateStream(anthropic) matches @anthropic-ai/sdk MessageStream', () => {
  for (const fx of loadStreamFixtures('anthropic').filter((f) => ok(f.name))) {
    it(fx.name, async () => {
      const ours = await accumulateStream('anthropic', fromArray(fx.events));
      const sdk = await runAnthropicStream(await toSse('anthropic', fx.events));
      expect(sdk.error).toBeUndefined();
      expect(ours).toMatchObject({
        id: sdk.final?.id,
        content: sdk.final?.content.map((b) => ('citations' in b && b.citations === null ? { ...b, citations: undefined } : b)).map(stripUndefined),
        stop_reason: sdk.final?.stop_reason,
        usage: stripNull(sdk.final?.usage as unknown as Record<string, unknown>),
      });
    });
  }
});

describe('accumulateStream(chat) matches openai ChatCompletionStream', () => {
  for (const fx of loadStreamFixtures('chat').filter((f) => ok(f.name))) {
    it(fx.name, async () => {
      const ours = (await accumulateStream('chat', fromArray(fx.events))) as { choices: { message: Record<string, unknown>; finish_reason: string }[]; usage?: unknown };
      const sdk = await runChatStream(await toSse('chat', fx.events), { includeUsage: fx.include_usage });
      expect(sdk.error).toBeUndefined();
      const sdkChoice = sdk.final!.choices[0]!;
      expect(ours.choices[0]?.finish_reason).toBe(sdkChoice.finish_reason);
      expect(ours.choices[0]?.message.content).toBe(sdkChoice.message.content);
      expect(ours.choices[0]?.message.tool_calls ?? []).toEqual(
        (sdkChoice.message.tool_calls ?? []).map((c) => (c.type === 'function' ? { id: c.id, type: c.type, function: { name: c.function.name, arguments: c.function.arguments } } : c)),
      );
      expect(ours.usage).toEqual(sdk.final?.usage);
    });
  }
});

describe('accumulateStream(responses) matches openai ResponseStream', () => {
  for (const fx of loadStreamFixtures('responses').filter((f) => ok(f.name))) {
    it(fx.name, async () => {
      const ours = await accumulateStream('responses', fromArray(fx.events));
      const sdk = await runResponsesStream(await toSse('responses', fx.events));
      expect(sdk.error).toBeUndefined();
      expect(ours).toEqual(withoutSdkExtras(sdk.final));
    });
  }

  it('falls back to the event-built snapshot when response.completed has an empty output', async () => {
    const [fx] = loadStreamFixtures('responses').filter((f) => f.name === 'responses-reasoning-text-tool');
    const events = fx!.events.map((e) =>
      e.type === 'response.completed' ? { ...e, response: { ...(e.response as object), output: [] } } : e,
    );
    const ours = (await accumulateStream('responses', fromArray(events))) as { output: { type: string; encrypted_content?: string }[] };
    expect(ours.output.map((i) => i.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(ours.output[0]?.encrypted_content).toBe('gAAAAABo-encrypted-opaque-blob==');
  });
});

describe('error streams reject with an UpstreamError of the right kind', () => {
  it.each([
    ['anthropic', 'anthropic-error-mid-stream', 'overloaded', 529],
    ['chat', 'chat-error-mid-stream', 'api_error', 500],
  ] as const)('%s', async (format, name, kind, status) => {
    const [fx] = loadStreamFixtures(format).filter((f) => f.name === name);
    const err = await accumulateStream(format, fromArray(fx!.events)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind, status });
  });

  it('a truncated stream rejects instead of returning a partial answer', async () => {
    const [fx] = loadStreamFixtures('anthropic').filter((f) => f.name === 'anthropic-max-tokens');
    await expect(accumulateStream('anthropic', fromArray(fx!.events.slice(0, 3)))).rejects.toThrow(/before message_stop/);
    await expect(accumulateStream('responses', fromArray([]))).rejects.toThrow(/response.created/);
  });
});

function stripNull(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null));
}

function stripUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** The openai SDK decorates its result with parse helpers (`output_text`, `parsed`, …): drop them. */
function withoutSdkExtras(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSdkExtras);
  if (value === null || typeof value !== 'object') return value;
  const extras = new Set(['output_text', 'output_parsed', 'parsed', 'parsed_arguments']);
  return Object.fromEntries(Object.entries(value).filter(([k]) => !extras.has(k)).map(([k, v]) => [k, withoutSdkExtras(v)]));
}
