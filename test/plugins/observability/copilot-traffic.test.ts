/**
 * SDK traffic through copilot (Chat Completions upstream reporting cached prompt tokens): an
 * Anthropic SDK stream and an OpenAI SDK request leave access-log lines and usage rows with the
 * fake's numbers, cached tokens counted as cache reads and not as input, priced per the table.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FakeCopilot } from '../../fakes/copilot.js';
import { tempHome, type TempHome } from './harness.js';

let fake: FakeCopilot;
let home: TempHome;
let proxy: RunningProxy;

beforeAll(async () => {
  fake = await new FakeCopilot().start();
  fake.respond = () => ({ text: 'hello', usage: { input: 500, cached: 300, output: 20 } });
  home = await tempHome('ccproxy-observe-copilot-');
  proxy = await startProxy({
    env: home.env,
    overrides: {
      server: { port: 0 }, logging: { level: 'silent' }, plugin_init_timeout: 120,
      enabled_plugins: ['copilot', 'access_log', 'usage'],
      // The mapping pinned: otherwise it depends on whether Copilot's model list has loaded yet.
      plugins: { copilot: fake.config({ github_token: fake.githubToken, model_map: { 'claude-sonnet-4.5': 'claude-sonnet-4.5' } }) },
    },
  });
  const claude = new Anthropic({ baseURL: `${proxy.url}/copilot`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });
  const stream = await claude.messages.create({ model: 'claude-sonnet-4.5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  for await (const _ of stream) { /* drain */ }
  const gpt = new OpenAI({ baseURL: `${proxy.url}/copilot/v1`, apiKey: 'dummy', maxRetries: 0 });
  await gpt.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
});

afterAll(async () => {
  await proxy?.close();
  await fake?.close();
  await fs.rm(home.home, { recursive: true, force: true });
});

async function lines(): Promise<Array<Record<string, unknown>>> {
  const text = await fs.readFile(path.join(home.env.XDG_STATE_HOME, 'ccproxy', 'access.log'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('copilot, observed', () => {
  it('logs each request with the upstream\'s token numbers, the stream included', async () => {
    await expect.poll(async () => (await lines()).length).toBe(2);
    const [claude, gpt] = await lines();
    expect(claude).toMatchObject({ provider: 'copilot', api: 'anthropic', stream: true, status: 200, input_tokens: 200, cache_read_tokens: 300, output_tokens: 20 });
    expect(claude).toMatchObject({ requested_model: 'claude-sonnet-4.5', model: 'claude-sonnet-4.5' });
    expect(gpt).toMatchObject({ provider: 'copilot', api: 'chat', stream: false, status: 200, input_tokens: 200, cache_read_tokens: 300, output_tokens: 20 });
  });

  it('records usage rows priced per the table', async () => {
    await expect.poll(async () => (await lines()).length).toBe(2);
    const doc = await (await fetch(`${proxy.url}/usage?group_by=model`)).json() as { rows: Array<Record<string, number | string>> };
    const byModel = Object.fromEntries(doc.rows.map((r) => [r.key, r]));
    expect(byModel['claude-sonnet-4.5']).toMatchObject({ requests: 1, input_tokens: 200, cache_read_tokens: 300, output_tokens: 20 });
    expect(Number(byModel['claude-sonnet-4.5']!.cost_usd)).toBeCloseTo((200 * 3 + 300 * 0.3 + 20 * 15) / 1e6, 10);
    expect(Number(byModel['gpt-4.1']!.cost_usd)).toBeCloseTo((200 * 2 + 300 * 0.5 + 20 * 8) / 1e6, 10);
  });
});
