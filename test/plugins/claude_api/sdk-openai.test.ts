/**
 * The official OpenAI SDK as a client of /claude/v1/responses and /claude/v1/chat/completions:
 * Anthropic upstream, converted by the formats layer; stream and not, with tools.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startHarness, VALID_TOKEN, type Harness } from './harness.js';
import { text, toolUse } from '../../fakes/anthropic-upstream.js';

let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ apiKey: 'sk-openai-client-dummy', baseURL: `${h.base}/v1`, maxRetries: 0 });
  h.upstream.clientKeys.add('sk-openai-client-dummy');
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.upstream.requests.length = 0;
});

const fnTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: false,
};

function checkUpstream(expectedModel: string): void {
  const up = h.upstream.messageRequests[0]!;
  expect(up.headers.authorization).toBe(`Bearer ${VALID_TOKEN}`);
  expect(up.body.model).toBe(expectedModel);
  // OAuth: the identity opens the system prompt of converted requests too.
  expect(JSON.stringify(up.body.system)).toContain("You are Claude Code, Anthropic's official CLI for Claude.");
  expect(h.upstream.leakedClientKey).toBe(false);
}

describe('openai SDK → /claude/v1/responses', () => {
  it('non-streaming text, model mapped', async () => {
    h.upstream.script = () => text('Hello from Claude via Responses.');
    const res = await client.responses.create({ model: 'gpt-5', input: 'Say hello', instructions: 'Be brief.' });
    expect(res.output_text).toBe('Hello from Claude via Responses.');
    checkUpstream('claude-sonnet-4-6');
  });

  it('streaming text', async () => {
    h.upstream.script = () => text('Streamed via Responses.');
    const stream = await client.responses.create({ model: 'claude-haiku-4-5', input: 'Go', stream: true });
    let out = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') out += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    expect(out).toBe('Streamed via Responses.');
    expect(completed).toBe(true);
    checkUpstream('claude-haiku-4-5');
  });

  it('function tools, stream and not', async () => {
    h.upstream.script = () => toolUse('get_weather', { city: 'Oslo' });
    const res = await client.responses.create({ model: 'gpt-5', input: 'Weather in Oslo?', tools: [fnTool] });
    const call = res.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ name: 'get_weather' });
    expect(JSON.parse((call as { arguments: string }).arguments)).toEqual({ city: 'Oslo' });
    expect((h.upstream.messageRequests[0]!.body.tools as Array<{ name: string }>)[0]!.name).toBe('get_weather');

    const stream = await client.responses.create({ model: 'gpt-5', input: 'Weather in Oslo?', tools: [fnTool], stream: true });
    let args = '';
    let name = '';
    for await (const ev of stream) {
      if (ev.type === 'response.function_call_arguments.delta') args += ev.delta;
      if (ev.type === 'response.output_item.done' && ev.item.type === 'function_call') name = ev.item.name;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Oslo' });
  });
});

describe('openai SDK → /claude/v1/chat/completions', () => {
  const chatTool = { type: 'function' as const, function: { name: fnTool.name, description: fnTool.description, parameters: fnTool.parameters } };

  it('non-streaming text, model mapped', async () => {
    h.upstream.script = () => text('Hello from Claude via Chat.');
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
    expect(res.choices[0]!.message.content).toBe('Hello from Claude via Chat.');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    checkUpstream('claude-haiku-4-5');
  });

  it('streaming text', async () => {
    h.upstream.script = () => text('Streamed via Chat.');
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Go' }], stream: true });
    let out = '';
    for await (const chunk of stream) out += chunk.choices[0]?.delta?.content ?? '';
    expect(out).toBe('Streamed via Chat.');
  });

  it('function tools, stream and not', async () => {
    h.upstream.script = () => toolUse('get_weather', { city: 'Oslo' });
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather?' }], tools: [chatTool] });
    const call = res.choices[0]!.message.tool_calls?.[0];
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call && 'function' in call ? call.function.name : '').toBe('get_weather');
    expect(JSON.parse(call && 'function' in call ? call.function.arguments : '{}')).toEqual({ city: 'Oslo' });

    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather?' }], tools: [chatTool], stream: true });
    let args = '';
    let name = '';
    for await (const chunk of stream) {
      const tc = chunk.choices[0]?.delta?.tool_calls?.[0];
      if (tc?.function?.name) name = tc.function.name;
      if (tc?.function?.arguments) args += tc.function.arguments;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Oslo' });
  });
});

describe('upstream errors on the OpenAI routes', () => {
  it.each(['responses', 'chat'] as const)('%s: a 429 arrives as an OpenAI rate-limit error with retry-after', async (route) => {
    h.upstream.script = () => ({ kind: 'error', status: 429, type: 'rate_limit_error', message: 'Rate limited upstream', retryAfter: '9' });
    const call = route === 'responses'
      ? client.responses.create({ model: 'gpt-5', input: 'x' })
      : client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    const err = await call.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.headers?.get('retry-after')).toBe('9');
    expect(e.message).toContain('Rate limited upstream');
    expect((e.error as { type?: string }).type).toBe('rate_limit_error');
  });
});

