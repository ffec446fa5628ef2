/**
 * The official SDKs as clients of /codex: `openai` on Chat Completions and Responses,
 * `@anthropic-ai/sdk` on Messages; streamed and not, with tools. The fake ChatGPT backend asserts
 * the upstream contract on every request.
 */
import Anthropic from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { startChatGptBackend, type ChatGptBackend } from '../../fakes/chatgpt-backend.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, startCodexProxy, type CodexHome, type CodexProxy } from './helpers.js';

const token = accessToken(3600);
let backend: ChatGptBackend;
let home: CodexHome;
let proxy: CodexProxy;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  backend = await startChatGptBackend({ validTokens: () => [token], accountId: ACCOUNT_ID, basePrompt: FALLBACK_CODEX_BASE_PROMPT });
  home = await makeCodexHome({ access: token });
  proxy = await startCodexProxy({ base_url: backend.baseUrl, credentials_file: home.authFile }, home.cacheDir);
  openai = new OpenAI({ baseURL: `${proxy.url}/codex/v1`, apiKey: 'dummy', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: `${proxy.url}/codex`, apiKey: 'dummy', maxRetries: 0 });
});

beforeEach(() => backend.clearQueue());

afterAll(async () => {
  await proxy?.close();
  await backend?.close();
  await home?.cleanup();
});

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

function lastUpstream(): Record<string, unknown> {
  const req = backend.accepted().at(-1);
  if (!req) throw new Error('backend received no accepted request');
  return req.body;
}

describe('openai SDK on /codex/v1/chat/completions', () => {
  it('non-stream: answer; system text moved after the base prompt; headers sent', async () => {
    backend.queue({ reasoning: 'thinking about it', text: 'Hello from Codex' });
    const res = await openai.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hi' }],
      temperature: 0.2,
      max_tokens: 100,
    });
    expect(res.choices[0]?.message.content).toBe('Hello from Codex');
    const req = backend.accepted().at(-1);
    expect(req?.headers.authorization).toBe(`Bearer ${token}`);
    expect(req?.headers['chatgpt-account-id']).toBe(ACCOUNT_ID);
    expect(req?.headers['openai-beta']).toBe('responses=experimental');
    expect(req?.headers.originator).toBe('codex_exec');
    expect(req?.headers.version).toBe('0.169.0');
    expect(req?.headers.session_id).toBeTruthy();
    const body = req?.body ?? {};
    expect(body.instructions).toBe(FALLBACK_CODEX_BASE_PROMPT);
    expect(JSON.stringify(body.input)).toContain('Be terse.');
    expect(body).not.toHaveProperty('temperature');
  });

  it('stream with a tool call: arguments arrive as deltas and reassemble', async () => {
    backend.queue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' }, callId: 'call_w1' }] });
    const stream = await openai.chat.completions.create({
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      stream: true,
    });
    let args = '';
    let name = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.function?.name) name = call.function.name;
      if (call?.function?.arguments) args += call.function.arguments;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    expect(finish).toBe('tool_calls');
    const tools = lastUpstream().tools as { name: string }[];
    expect(tools.map((t) => t.name)).toEqual(['get_weather']);
  });
});

describe('openai SDK on /codex/v1/responses', () => {
  it('non-stream with a tool result turn', async () => {
    backend.queue({ text: 'It is sunny in Paris.' });
    const res = await openai.responses.create({
      model: 'gpt-5.5',
      instructions: 'You are a weather bot.',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_w1', output: 'sunny, 21C' },
      ],
      tools: [{ type: 'function', name: 'get_weather', parameters: weatherTool.function.parameters, strict: false }],
      max_output_tokens: 500,
    });
    expect(res.output_text).toBe('It is sunny in Paris.');
    const body = lastUpstream();
    expect(body).not.toHaveProperty('max_output_tokens');
    expect(body.instructions).toBe(FALLBACK_CODEX_BASE_PROMPT);
    const input = body.input as { role?: string; type?: string }[];
    expect(input[0]).toMatchObject({ role: 'developer' });
    expect(input.some((i) => i.type === 'function_call_output')).toBe(true);
  });

  it('stream: text deltas and a completed response', async () => {
    backend.queue({ reasoning: 'hmm', text: 'streamed answer' });
    const stream = await openai.responses.create({ model: 'gpt-5.5', input: 'Say something', stream: true });
    let text = '';
    let completed = false;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = true;
    }
    expect(text).toBe('streamed answer');
    expect(completed).toBe(true);
  });

  it('reasoning minted from Claude thinking (client switched from Claude) is not replayed to the backend', async () => {
    backend.queue({ text: 'fine' });
    await openai.responses.create({
      model: 'gpt-5.5',
      input: [
        { role: 'user', content: 'first' },
        { type: 'reasoning', id: 'rs_x', summary: [], encrypted_content: 'ccproxy-at1:EuYBCkQYAiJA' },
        { role: 'assistant', content: 'earlier answer' },
        { role: 'user', content: 'second' },
      ] as never,
    });
    const input = lastUpstream().input as { type?: string; encrypted_content?: string }[];
    expect(input.some((i) => i.encrypted_content?.startsWith('ccproxy-'))).toBe(false);
  });

  it('previous_response_id gets a clear 400', async () => {
    const before = backend.requests.length;
    await expect(openai.responses.create({ model: 'gpt-5.5', input: 'again', previous_response_id: 'resp_123' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/store=false/),
    });
    expect(backend.requests.length).toBe(before);
  });

  it('retrieving a stored response explains that nothing is stored', async () => {
    await expect(openai.responses.retrieve('resp_123')).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/store=false/) });
  });

  it('health shows the subscription usage the backend streamed', async () => {
    const h = await proxy.plugin.healthCheck();
    expect(h.details).toMatchObject({ rate_limits: { limit_reached: false, primary: { used_percent: 12 } }, last_upstream: { status: 200 } });
  });

  it('lists the Codex models', async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-5.5');
  });
});

describe('@anthropic-ai/sdk on /codex/v1/messages', () => {
  it('non-stream with Claude model name, system prompt and thinking', async () => {
    backend.queue({ reasoning: 'Let me think.', text: 'Four.' });
    const res = await anthropic.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'You are helpful.', cache_control: { type: 'ephemeral' } }],
      thinking: { type: 'enabled', budget_tokens: 20000 },
      messages: [{ role: 'user', content: 'What is 2+2?' }],
    });
    const text = res.content.find((b) => b.type === 'text');
    expect(text && 'text' in text ? text.text : '').toBe('Four.');
    expect(res.content.some((b) => b.type === 'thinking')).toBe(true);
    const body = lastUpstream();
    expect(body.model).toBe('gpt-5.5');
    expect(body.reasoning).toMatchObject({ effort: 'high' });
    expect(body).not.toHaveProperty('max_output_tokens');
  });

  it('stream with a tool_use whose input streams as input_json_delta', async () => {
    backend.queue({ text: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' }, callId: 'call_o1' }] });
    const stream = anthropic.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    let jsonDeltas = 0;
    stream.on('inputJson', () => {
      jsonDeltas += 1;
    });
    const final = await stream.finalMessage();
    const toolUse = final.content.find((b) => b.type === 'tool_use');
    expect(toolUse && 'input' in toolUse ? toolUse.input : null).toEqual({ city: 'Oslo' });
    expect(final.stop_reason).toBe('tool_use');
    expect(jsonDeltas).toBeGreaterThan(0);
  });

  it('streams incrementally: the first text delta reaches the client while the upstream still holds the rest', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    backend.queue({ text: 'one two three four five six', hold: { afterType: 'response.output_text.delta', until: released } });
    let sawText = false;
    const stream = anthropic.messages.stream({ model: 'claude-opus-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'count' }] });
    stream.on('text', () => {
      sawText = true;
    });
    await expect.poll(() => sawText, { message: 'a text delta while the upstream holds the rest of its stream' }).toBe(true);
    release();
    const final = await stream.finalMessage();
    expect(final.content.find((b) => b.type === 'text')).toMatchObject({ text: 'one two three four five six' });
  });

  it('a client that goes away mid-stream closes the upstream stream too', async () => {
    // Held after its first delta: the upstream stream can only end early, by the proxy closing it.
    backend.queue({ text: 'a long answer that the client will not wait for', hold: { afterType: 'response.output_text.delta', until: new Promise(() => undefined) } });
    const controller = new AbortController();
    const res = await fetch(`${proxy.url}/codex/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'go' }] }),
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    await expect.poll(() => backend.accepted().at(-1)?.closedEarly).toBe(true);
  });

  it('sends the tool_result back as function_call_output', async () => {
    backend.queue({ text: 'Cold in Oslo.' });
    const res = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_o1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_o1', content: '-5C' }] },
      ],
    });
    expect(res.content[0]).toMatchObject({ type: 'text', text: 'Cold in Oslo.' });
    const input = lastUpstream().input as { type?: string; call_id?: string; output?: unknown }[];
    expect(input.find((i) => i.type === 'function_call_output')).toMatchObject({ call_id: 'call_o1' });
  });

  it('a tool_result with an image reaches the backend as an input_image in the tool output', async () => {
    backend.queue({ text: 'A red pixel.' });
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    const res = await anthropic.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 100,
      tools: [{ name: 'Read', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'What is in pixel.png?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_img', name: 'Read', input: { file_path: '/tmp/pixel.png' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_img', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] }] },
      ],
    });
    expect(res.content.find((b) => b.type === 'text')).toMatchObject({ text: 'A red pixel.' });
    const out = (lastUpstream().input as { type?: string; output?: unknown }[]).find((i) => i.type === 'function_call_output');
    expect(JSON.stringify(out?.output)).toContain(`data:image/png;base64,${png}`);
  });

  it('parallel tool calls become parallel tool_use blocks', async () => {
    backend.queue({ toolCalls: [
      { name: 'get_weather', arguments: { city: 'Oslo' }, callId: 'call_p1' },
      { name: 'get_weather', arguments: { city: 'Rome' }, callId: 'call_p2' },
    ] });
    const final = await anthropic.messages.stream({
      model: 'claude-opus-5-5',
      max_tokens: 1024,
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'Weather in Oslo and Rome?' }],
    }).finalMessage();
    const uses = final.content.filter((b) => b.type === 'tool_use');
    expect(uses.map((u) => ('input' in u ? u.input : null))).toEqual([{ city: 'Oslo' }, { city: 'Rome' }]);
    expect(uses.map((u) => ('id' in u ? u.id : null))).toEqual(['call_p1', 'call_p2']);
  });

  it('count_tokens answers with an estimate', async () => {
    const res = await anthropic.messages.countTokens({ model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    expect(res.input_tokens).toBeGreaterThan(90);
    expect(res.input_tokens).toBeLessThan(200);
  });

  it('a failed upstream turn becomes an error for a non-stream client', async () => {
    backend.queue({ fail: { code: 'server_error', message: 'The model had a problem.' } });
    await expect(anthropic.messages.create({ model: 'claude-opus-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }))
      .rejects.toMatchObject({ message: expect.stringContaining('The model had a problem.') });
  });

  it('a failed upstream turn mid-stream reaches a streaming client as an error event', async () => {
    backend.queue({ fail: { code: 'server_error', message: 'Stream broke upstream.' } });
    const stream = anthropic.messages.stream({ model: 'claude-opus-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/Stream broke upstream/);
  });

  it('a usage-limit 429 says when it resets and sets retry-after', async () => {
    backend.queue({ httpError: { status: 429, body: { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus', resets_in_seconds: 5400 } } } });
    const res = await fetch(`${proxy.url}/codex/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5400');
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('rate_limit_error');
    expect(body.error.message).toMatch(/usage limit reached \(plus plan\); resets in 1h 30m/);
  });

  it('an upstream 429 reaches the client in Anthropic format', async () => {
    backend.queue({ httpError: { status: 429, body: { detail: 'Rate limit reached for plus plan' } } });
    await expect(anthropic.messages.create({ model: 'claude-opus-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }))
      .rejects.toMatchObject({ status: 429, message: expect.stringContaining('Rate limit reached') });
  });

  it("Claude Code's real request, turn after turn: the backend gets the same body each time (repeated tools are parsed and serialized once)", async () => {
    const capture = JSON.parse(readFileSync(new URL('../../fixtures/captures/claude-code-2.1.331-interactive-messages.json', import.meta.url), 'utf8')).body;
    const sent: Array<Record<string, unknown>> = [];
    for (let turn = 0; turn < 4; turn++) {
      backend.queue({ text: `turn ${turn}` });
      const res = await fetch(`${proxy.url}/codex/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...capture, stream: false }) });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { content: Array<{ type: string; text?: string }> };
      expect(answer.content.find((b) => b.type === 'text')?.text).toBe(`turn ${turn}`);
      sent.push(lastUpstream());
    }
    expect((sent[0]!.tools as unknown[]).length).toBe(capture.tools.length);
    for (const body of sent.slice(1)) expect(body).toEqual(sent[0]);
  });
});
