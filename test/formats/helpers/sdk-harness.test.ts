import { describe, expect, it } from 'vitest';
import { loadStreamFixtures } from './fixtures.js';
import { runAnthropicJson, runAnthropicStream, runChatJson, runChatStream, runResponsesStream, toSse } from './sdk-harness.js';

describe('sdk harness', () => {
  it('anthropic fixture stream accumulates in the official SDK without warnings', async () => {
    const [fx] = loadStreamFixtures('anthropic').filter((f) => f.name === 'anthropic-thinking-text-tools');
    const run = await runAnthropicStream(await toSse('anthropic', fx!.events));
    expect(run.error).toBeUndefined();
    expect(run.warnings).toEqual([]);
    expect(run.final?.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
    expect(run.final?.stop_reason).toBe('tool_use');
    expect((run.requestBody as { stream?: boolean }).stream).toBe(true);
  });

  it('chat fixture stream accumulates (tool calls joined, usage)', async () => {
    const [fx] = loadStreamFixtures('chat').filter((f) => f.name === 'chat-text-tools-usage');
    const run = await runChatStream(await toSse('chat', fx!.events), { includeUsage: true });
    expect(run.error).toBeUndefined();
    expect(run.warnings).toEqual([]);
    expect(run.final?.choices[0]?.message.tool_calls?.map((c) => c.type === 'function' && c.function.arguments)).toEqual([
      '{"location": "San Francisco, CA"}',
      '{"location": "Paris"}',
    ]);
    expect(run.final?.usage?.prompt_tokens_details?.cached_tokens).toBe(2048);
  });

  it('responses fixture stream accumulates', async () => {
    const [fx] = loadStreamFixtures('responses').filter((f) => f.name === 'responses-reasoning-text-tool');
    const run = await runResponsesStream(await toSse('responses', fx!.events));
    expect(run.error).toBeUndefined();
    expect(run.warnings).toEqual([]);
    expect(run.final?.output_text).toBe('Checking the weather — ✓.');
  });

  it('surfaces mid-stream errors as thrown SDK errors', async () => {
    const [a] = loadStreamFixtures('anthropic').filter((f) => f.name === 'anthropic-error-mid-stream');
    const runA = await runAnthropicStream(await toSse('anthropic', a!.events));
    expect(runA.error?.message).toMatch(/Overloaded/);
    const [c] = loadStreamFixtures('chat').filter((f) => f.name === 'chat-error-mid-stream');
    const runC = await runChatStream(await toSse('chat', c!.events));
    expect(runC.error?.message).toMatch(/server had an error/);
  });

  it('non-stream variants return the parsed body or the SDK error', async () => {
    const ok = await runChatJson({
      body: { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi', refusal: null }, finish_reason: 'stop', logprobs: null }] },
    });
    expect(ok.final?.choices[0]?.message.content).toBe('hi');
    const err = await runAnthropicJson({ status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } }, headers: { 'retry-after': '3' } });
    expect(err.error?.message).toMatch(/slow down/);
    expect((err.error as { status?: number }).status).toBe(429);
  });
});
