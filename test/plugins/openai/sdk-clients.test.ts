/**
 * The official SDKs as clients of /openai: `openai` on Chat Completions and Responses,
 * `@anthropic-ai/sdk` on Messages, streamed and not, with tools; against a chat upstream (the
 * default instance) and a responses upstream (instance `resp`, served at /openai/resp). The fake
 * upstreams check the key they receive.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAICompatible, type FakeTurn, type RecordedRequest } from '../../fakes/openai-compatible.js';
import { anthropicTool, chatTool, weather, weatherFollowUp, weatherQuestion, weatherRoundTrip } from '../../helpers/weather-tool.js';
import { startOpenAIHarness, type OpenAIHarness } from './harness.js';

let h: OpenAIHarness;
let resp: FakeOpenAICompatible;
let script: (req: RecordedRequest) => FakeTurn = () => ({ text: 'Hello from upstream' });
const respond = (req: RecordedRequest): FakeTurn => script(req);

beforeAll(async () => {
  resp = await new FakeOpenAICompatible({ apiKey: 'sk-resp-key', respond }).start();
  h = await startOpenAIHarness({
    fake: { respond },
    config: {
      model_map: { 'claude-*': 'gpt-test-1' },
      providers: { resp: { base_url: resp.baseUrl, api_key: 'sk-resp-key', upstream_format: 'responses', default_model: 'gpt-test-mini' } },
    },
  });
});

afterAll(async () => {
  await h?.close();
  await resp?.close();
});


function clients(prefix: string): { openai: OpenAI; anthropic: Anthropic } {
  return {
    openai: new OpenAI({ baseURL: `${h.proxy.url}${prefix}/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: `${h.proxy.url}${prefix}`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 }),
  };
}

for (const [label, prefix, upstream] of [['chat upstream', '/openai', () => h.upstream], ['responses upstream', '/openai/resp', () => resp]] as const) {
  describe(`${label} (${prefix})`, () => {
    const last = (): RecordedRequest => upstream().modelRequests.at(-1)!;

    it('anthropic messages.countTokens: an estimate, no upstream call', async () => {
      const { anthropic } = clients(prefix);
      const before = upstream().modelRequests.length;
      const res = await anthropic.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x'.repeat(4000) }] });
      expect(res.input_tokens).toBeGreaterThan(900);
      expect(res.input_tokens).toBeLessThan(1200);
      expect(upstream().modelRequests.length).toBe(before);
    });

    it('openai chat.completions: non-stream answer, configured key sent, client key never', async () => {
      script = () => ({ text: 'Hello from upstream' });
      const { openai } = clients(prefix);
      const res = await openai.chat.completions.create({ model: 'gpt-test-1', messages: [{ role: 'user', content: 'Hi' }] });
      expect(res.choices[0]?.message.content).toBe('Hello from upstream');
      expect(last().headers.authorization).toBe(`Bearer ${upstream().apiKey}`);
      expect(last().path).toBe(label === 'chat upstream' ? '/v1/chat/completions' : '/v1/responses');
      expect(upstream().leakedClientKey).toBe(false);
    });

    it('openai chat.completions stream: tool call arguments reassemble', async () => {
      script = () => ({ toolCalls: [weather] });
      const { openai } = clients(prefix);
      const stream = openai.chat.completions.stream({ model: 'gpt-test-1', messages: [{ role: 'user', content: 'Weather?' }], tools: [chatTool] });
      const final = await stream.finalChatCompletion();
      const call = final.choices[0]?.message.tool_calls?.[0];
      expect(call?.type === 'function' && call.function.name).toBe('get_weather');
      expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
      expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    });

    it('openai responses: non-stream and stream', async () => {
      script = () => ({ text: 'Responses answer' });
      const { openai } = clients(prefix);
      const res = await openai.responses.create({ model: 'gpt-test-1', input: 'Hi' });
      expect(res.output_text).toBe('Responses answer');
      script = () => ({ toolCalls: [weather] });
      const stream = openai.responses.stream({ model: 'gpt-test-1', input: 'Weather?', tools: [{ type: 'function', name: 'get_weather', parameters: chatTool.function.parameters, strict: false }] });
      const final = await stream.finalResponse();
      const call = final.output.find((o) => o.type === 'function_call');
      expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    });

    it('anthropic messages: non-stream, model_map / default_model applied, key swapped', async () => {
      script = () => ({ text: 'Claude-shaped answer' });
      const { anthropic } = clients(prefix);
      const msg = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, system: 'Be terse.', messages: [{ role: 'user', content: 'Hi' }] });
      expect(msg.content[0]?.type === 'text' && msg.content[0].text).toBe('Claude-shaped answer');
      expect(last().body.model).toBe(label === 'chat upstream' ? 'gpt-test-1' : 'gpt-test-mini');
      expect(last().headers['x-api-key']).toBeUndefined();
      expect(upstream().leakedClientKey).toBe(false);
    });

    it('anthropic messages stream: tool_use with input, then the tool result goes upstream', async () => {
      script = weatherRoundTrip;
      const { anthropic } = clients(prefix);
      const first = await anthropic.messages.stream({ model: 'claude-opus-5-5', max_tokens: 200, tools: [anthropicTool], messages: [weatherQuestion] }).finalMessage();
      expect(first.stop_reason).toBe('tool_use');
      const use = first.content.find((b) => b.type === 'tool_use');
      expect(use?.type === 'tool_use' && use.input).toEqual({ city: 'Paris' });
      const second = await anthropic.messages.stream({ model: 'claude-opus-5-5', max_tokens: 200, tools: [anthropicTool], messages: weatherFollowUp(first) }).finalMessage();
      expect(second.content.find((b) => b.type === 'text')).toMatchObject({ text: 'It is 18 degrees.' });
      expect(second.stop_reason).toBe('end_turn');
      expect(JSON.stringify(last().body)).toContain('18 degrees');
    });
  });
}

describe('reasoning from a chat upstream', () => {
  it('`reasoning_content` becomes a thinking block before the text', async () => {
    script = () => ({ reasoning: 'Let me think.', text: 'Answer.' });
    const { anthropic } = clients('/openai');
    const msg = await anthropic.messages.stream({ model: 'gpt-test-1', max_tokens: 100, messages: [{ role: 'user', content: 'Q?' }] }).finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(msg.content[0]).toMatchObject({ type: 'thinking', thinking: 'Let me think.' });
  });
});

describe('errors, models, health', () => {
  it('upstream 429 reaches the client in its own format with retry-after', async () => {
    script = () => ({ httpError: { status: 429, message: 'Rate limit reached for requests', retryAfter: '7' } });
    const { openai, anthropic } = clients('/openai');
    const err = await openai.chat.completions.create({ model: 'gpt-test-1', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');
    const aErr = await anthropic.messages.create({ model: 'gpt-test-1', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(aErr).toBeInstanceOf(Anthropic.RateLimitError);
    expect((aErr as InstanceType<typeof Anthropic.RateLimitError>).message).toContain('Rate limit reached');
  });

  it('a mid-stream upstream error becomes the client API\'s error event', async () => {
    script = () => ({ text: 'partial answer that goes on', streamError: 'upstream exploded' });
    const res = await fetch(`${h.proxy.url}/openai/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test-1', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('event: error');
    expect(text).toContain('upstream exploded');
  });

  it('GET /openai/v1/models and /openai/resp/v1/models list the upstreams\' models', async () => {
    const { openai } = clients('/openai');
    const ids = (await openai.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(['gpt-test-1', 'gpt-test-mini']);
    const res = await fetch(`${h.proxy.url}/openai/resp/v1/models`);
    expect(((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toContain('gpt-test-mini');
  });

  it('health comes from the scheduled /models probe, per instance', async () => {
    const probes = h.upstream.requests.filter((r) => r.path === '/v1/models').length;
    const res = await fetch(`${h.proxy.url}/health`);
    const doc = (await res.json()) as { checks: Record<string, Array<{ status: string; details: Record<string, { last_probe: { ok: boolean } | null }> }>> };
    const check = doc.checks['plugin:openai']?.[0];
    expect(check?.status).toBe('pass');
    expect(check?.details.openai?.last_probe?.ok).toBe(true);
    expect(check?.details['openai.resp']?.last_probe?.ok).toBe(true);
    await fetch(`${h.proxy.url}/health`);
    // Health requests never call the upstream.
    expect(h.upstream.requests.filter((r) => r.path === '/v1/models').length).toBe(probes);
  });
});
