/**
 * The official SDKs as clients of /copilot: `openai` on Chat Completions and Responses,
 * `@anthropic-ai/sdk` on Messages, streamed and not, with tools, against the fake Copilot API.
 * The fake checks the Copilot token and the editor headers on every request; the clients' dummy
 * keys never reach it. Also: Claude Code's model names, the model list, 429s, health, /plugins.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopilotRecorded } from '../../fakes/copilot.js';
import type { FakeTurn } from '../../fakes/openai-compatible.js';
import { anthropicTool, chatTool, weather, weatherFollowUp, weatherParams, weatherQuestion, weatherRoundTrip } from '../../helpers/weather-tool.js';
import { startCopilotHarness, type CopilotHarness } from './harness.js';

let h: CopilotHarness;
let script: (req: CopilotRecorded) => FakeTurn = () => ({ text: 'Hello from Copilot' });

beforeAll(async () => {
  h = await startCopilotHarness({ config: { editor_version: 'vscode/9.9.9' } });
  h.fake.respond = (r) => script(r);
});
afterAll(async () => {
  await h?.close();
});

const last = (): CopilotRecorded => h.fake.chatRequests.at(-1)!;
const openai = (): OpenAI => new OpenAI({ baseURL: `${h.proxy.url}/copilot/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 });
const anthropic = (): Anthropic => new Anthropic({ baseURL: `${h.proxy.url}/copilot`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });

function assertCopilotCall(r: CopilotRecorded): void {
  expect(h.fake.live.has(String(r.headers.authorization).replace(/^Bearer /, ''))).toBe(true);
  expect(r.headers['editor-version']).toBe('vscode/9.9.9');
  expect(r.headers['editor-plugin-version']).toMatch(/^copilot-chat\//);
  expect(r.headers['copilot-integration-id']).toBe('vscode-chat');
  expect(h.fake.leakedClientKey).toBe(false);
}

describe('openai SDK on /copilot/v1', () => {
  it('chat.completions non-stream: Copilot token and editor headers sent, the API base from the exchange used', async () => {
    script = () => ({ text: 'Hello from Copilot' });
    const res = await openai().chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
    expect(res.choices[0]?.message.content).toBe('Hello from Copilot');
    expect(last().path).toBe('/api/chat/completions');
    expect(last().body.model).toBe('gpt-4.1');
    assertCopilotCall(last());
  });

  it('chat.completions stream: tool call arguments reassemble', async () => {
    script = () => ({ toolCalls: [weather] });
    const final = await openai().chat.completions.stream({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Weather?' }], tools: [chatTool] }).finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    assertCopilotCall(last());
  });

  it('responses: non-stream and stream with a tool', async () => {
    script = () => ({ text: 'Responses answer' });
    const res = await openai().responses.create({ model: 'gpt-5-mini', input: 'Hi' });
    expect(res.output_text).toBe('Responses answer');
    expect(last().path).toBe('/api/chat/completions');
    script = () => ({ toolCalls: [weather] });
    const final = await openai().responses.stream({ model: 'gpt-5-mini', input: 'Weather?', tools: [{ type: 'function', name: 'get_weather', parameters: weatherParams, strict: false }] }).finalResponse();
    const call = final.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    assertCopilotCall(last());
  });
});

describe('anthropic SDK on /copilot', () => {
  it('messages non-stream: Claude Code\'s model name becomes Copilot\'s', async () => {
    script = () => ({ text: 'Claude-shaped answer' });
    const msg = await anthropic().messages.create({ model: 'claude-sonnet-4-5-20250929', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    expect(msg.content[0]?.type === 'text' && msg.content[0].text).toBe('Claude-shaped answer');
    expect(last().body.model).toBe('claude-sonnet-4.5');
    expect(last().headers['x-api-key']).toBeUndefined();
    assertCopilotCall(last());
    // A version Copilot does not offer: the newest of the family.
    await anthropic().messages.create({ model: 'claude-opus-4-7', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] });
    expect(last().body.model).toBe('claude-opus-4.1');
  });

  it('messages stream: tool_use, then the tool result goes upstream', async () => {
    script = weatherRoundTrip;
    const first = await anthropic().messages.stream({ model: 'claude-haiku-4-5-20251001', max_tokens: 200, tools: [anthropicTool], messages: [weatherQuestion] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    expect(use?.type === 'tool_use' && use.input).toEqual({ city: 'Paris' });
    expect(last().body.model).toBe('claude-haiku-4.5');
    const second = await anthropic().messages.stream({ model: 'claude-haiku-4-5-20251001', max_tokens: 200, tools: [anthropicTool], messages: weatherFollowUp(first) }).finalMessage();
    expect(second.content.find((b) => b.type === 'text')).toMatchObject({ text: 'It is 18 degrees.' });
    expect(second.stop_reason).toBe('end_turn');
    assertCopilotCall(last());
  });
});

describe('limits, models, health, plugins', () => {
  it('a Copilot 429 reaches each client in its own format with retry-after', async () => {
    script = () => ({ httpError: { status: 429, message: 'You have exceeded your premium request allowance', retryAfter: '11' } });
    const err = await openai().chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('11');
    const aErr = await anthropic().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(aErr).toBeInstanceOf(Anthropic.RateLimitError);
    expect((aErr as Error).message).toContain('premium request allowance');
  });

  it('GET /copilot/v1/models lists Copilot\'s models', async () => {
    const ids = (await openai().models.list()).data.map((m) => m.id);
    expect(ids).toEqual(h.fake.models);
  });

  it('/health reports the token, the exchange and the plan; /plugins lists copilot', async () => {
    const doc = (await (await fetch(`${h.proxy.url}/health`)).json()) as { checks: Record<string, Array<{ status: string; details: Record<string, unknown> }>> };
    const check = doc.checks['plugin:copilot']?.[0];
    expect(check?.status).toBe('pass');
    expect(check?.details.plan).toBe('copilot_for_individual_subscriber');
    expect(check?.details.github_token).toEqual({ present: true, source: 'config' });
    expect(check?.details.last_exchange).toMatchObject({ ok: true });
    expect(JSON.stringify(doc)).not.toContain(h.fake.githubToken);
    for (const t of h.fake.live) expect(JSON.stringify(doc)).not.toContain(t);
    const plugins = await (await fetch(`${h.proxy.url}/plugins`)).text();
    expect(plugins).toContain('copilot');
  });
});
