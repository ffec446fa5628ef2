/**
 * SDK traffic through codex (the ChatGPT backend fake reports cached input and reasoning): the
 * access log, the usage row and the token counters split input into uncached and cache reads, and
 * count reasoning as part of output, on Chat Completions (streamed) and Responses.
 */
import OpenAI from 'openai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { startChatGptBackend, type ChatGptBackend } from '../../fakes/chatgpt-backend.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, type CodexHome } from '../codex/helpers.js';
import { tempHome, type TempHome } from './harness.js';

const token = accessToken(3600);
let backend: ChatGptBackend;
let codexHome: CodexHome;
let home: TempHome;
let proxy: RunningProxy;

beforeAll(async () => {
  backend = await startChatGptBackend({ validTokens: () => [token], accountId: ACCOUNT_ID, basePrompt: FALLBACK_CODEX_BASE_PROMPT });
  codexHome = await makeCodexHome({ access: token });
  home = await tempHome('ccproxy-observe-codex-');
  proxy = await startProxy({
    env: home.env,
    overrides: {
      server: { port: 0 }, logging: { level: 'silent' },
      enabled_plugins: ['codex', 'access_log', 'usage', 'metrics'],
      plugins: { codex: { base_url: backend.baseUrl, credentials_file: codexHome.authFile, detection: { enabled: false } } },
    },
  });
  const gpt = new OpenAI({ baseURL: `${proxy.url}/codex/v1`, apiKey: 'dummy', maxRetries: 0 });
  backend.queue({ reasoning: 'hmm', text: 'streamed' });
  const chunks = await gpt.chat.completions.create({ model: 'gpt-5.5', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  for await (const _ of chunks) { /* drain */ }
  backend.queue({ text: 'plain' });
  await gpt.responses.create({ model: 'gpt-5.5', input: 'hi' });
});

afterAll(async () => {
  await proxy?.close();
  await backend?.close();
  await codexHome?.cleanup();
  await fs.rm(home.home, { recursive: true, force: true });
});

async function lines(): Promise<Array<Record<string, unknown>>> {
  const text = await fs.readFile(path.join(home.env.XDG_STATE_HOME, 'ccproxy', 'access.log'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('codex, observed', () => {
  it('logs uncached input, cache reads, output and reasoning as the backend reported them', async () => {
    await expect.poll(async () => (await lines()).length).toBe(2);
    const [chat, responses] = await lines();
    // The fake: 1200 input of which 1024 cached, 40 output (16 of them reasoning when it reasoned).
    expect(chat).toMatchObject({ provider: 'codex', api: 'chat', stream: true, input_tokens: 176, cache_read_tokens: 1024, cache_write_tokens: 0, output_tokens: 40, reasoning_tokens: 16 });
    expect(responses).toMatchObject({ provider: 'codex', api: 'responses', input_tokens: 176, cache_read_tokens: 1024, output_tokens: 40, reasoning_tokens: 0 });
  });

  it('records usage rows and counters with the same numbers, priced as gpt-5', async () => {
    await expect.poll(async () => (await lines()).length).toBe(2);
    const doc = await (await fetch(`${proxy.url}/usage?group_by=provider`)).json() as { rows: Array<Record<string, number | string>> };
    expect(doc.rows[0]).toMatchObject({ key: 'codex', requests: 2, input_tokens: 352, cache_read_tokens: 2048, output_tokens: 80, reasoning_tokens: 16 });
    expect(Number(doc.rows[0]!.cost_usd)).toBeCloseTo((352 * 1.25 + 2048 * 0.125 + 80 * 10) / 1e6, 10);
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(metrics).toMatch(/^ccproxy_tokens_total\{provider="codex",model="[^"]+",kind="cache_read"\} 2048$/m);
    expect(metrics).toMatch(/^ccproxy_tokens_total\{provider="codex",model="[^"]+",kind="reasoning"\} 16$/m);
  });
});
