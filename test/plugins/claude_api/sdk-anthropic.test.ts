/** The official Anthropic SDK as a client of /claude/v1/messages: stream and not, tools, thinking round trip. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, VALID_TOKEN, type Harness } from './harness.js';
import { text, toolUse, type FakeReply } from '../../fakes/anthropic-upstream.js';

let h: Harness;
let client: Anthropic;
beforeAll(async () => {
  h = await startHarness();
  client = new Anthropic({ apiKey: 'sk-ant-client-dummy', baseURL: h.base, maxRetries: 0 });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.upstream.requests.length = 0;
});

const weather = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('@anthropic-ai/sdk → /claude/v1/messages', () => {
  it('non-streaming text', async () => {
    h.upstream.script = () => text('Paris is the capital of France.');
    const msg = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Paris is the capital of France.' });
    expect(msg.stop_reason).toBe('end_turn');
    expect(h.upstream.messageRequests[0]!.headers.authorization).toBe(`Bearer ${VALID_TOKEN}`);
    expect(h.upstream.leakedClientKey).toBe(false);
  });

  it('streaming text', async () => {
    h.upstream.script = () => text('Streaming works end to end.');
    const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'Go' }] });
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const final = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Streaming works end to end.');
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Streaming works end to end.' });
  });

  it('tool use, stream and not', async () => {
    h.upstream.script = () => toolUse('get_weather', { city: 'Oslo' });
    const plain = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, tools: [weather], messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    expect(plain.stop_reason).toBe('tool_use');
    expect(plain.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { city: 'Oslo' } });

    const streamed = await client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, tools: [weather], messages: [{ role: 'user', content: 'Weather in Oslo?' }] }).finalMessage();
    expect(streamed.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { city: 'Oslo' } });
  });

  it('thinking signatures survive a multi-turn round trip unchanged', async () => {
    const signature = 'EuYBCkQYAiJA+sig/with=chars';
    h.upstream.script = (_r, i): FakeReply =>
      i % 2 === 0
        ? { kind: 'message', content: [{ type: 'thinking', thinking: 'Consider the question.', signature }, { type: 'text', text: 'First.' }] }
        : text('Second.');
    const first = await client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Q1' }] }).finalMessage();
    const thinking = first.content.find((b) => b.type === 'thinking');
    expect(thinking).toMatchObject({ thinking: 'Consider the question.', signature });
    await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'Q1' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'Q2' }],
    });
    const second = h.upstream.messageRequests[1]!.body.messages as Array<{ content: unknown }>;
    expect(JSON.stringify(second[1]!.content)).toContain(JSON.stringify(signature));
  });

  it('upstream errors surface as SDK errors with the right status and type', async () => {
    h.upstream.script = () => ({ kind: 'error', status: 429, type: 'rate_limit_error', message: 'Rate limited', retryAfter: '3' });
    const err = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('retry-after')).toBe('3');
  });
});
