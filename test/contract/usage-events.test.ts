/**
 * Every provider reports the tokens its upstream counted, once, on `request.completed`, in the one
 * usage model (input without the cache, cache reads, cache writes, output incl. reasoning), for
 * every client API, streamed and not. Each fake upstream reports distinct numbers in its own API's
 * shape, so a mix-up (cache reads counted as input, a missed detail) shows.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiFormat } from '../../src/core/adapter.js';
import type { RequestEvents } from '../../src/core/events.js';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import type { Usage } from '../../src/formats/types.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../src/plugins/codex/detection-fallback.js';
import { providerSettings } from '../conformance/world.js';
import { FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { startChatGptBackend, type ChatGptBackend } from '../fakes/chatgpt-backend.js';
import { FakeCopilot } from '../fakes/copilot.js';
import { FakeOpenAICompatible } from '../fakes/openai-compatible.js';
import type { FakeUsage } from '../fakes/responses-items.js';
import { credentials, VALID_TOKEN } from '../plugins/claude_api/harness.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, type CodexHome } from '../plugins/codex/helpers.js';

/** What the OpenAI-shaped fakes report (input includes the cached parts) and what that means. */
const OPENAI_COUNTS: FakeUsage = { input: 1000, cached: 600, cacheWrite: 50, output: 120, reasoning: 30 };
const OPENAI_USAGE: Usage = { uncachedInputTokens: 350, cacheReadTokens: 600, cacheWriteTokens: 50, outputTokens: 120, reasoningTokens: 30 };
/** The fake Anthropic API's counts (input already excludes the cache). */
const ANTHROPIC_USAGE: Usage = { uncachedInputTokens: 11, cacheReadTokens: 2048, cacheWriteTokens: 130, outputTokens: 77, reasoningTokens: 0 };

const BODIES: Record<ApiFormat, (model: string, stream: boolean) => Record<string, unknown>> = {
  anthropic: (model, stream) => ({ model, max_tokens: 64, stream, messages: [{ role: 'user', content: 'hi' }] }),
  chat: (model, stream) => ({ model, stream, messages: [{ role: 'user', content: 'hi' }], ...(stream ? { stream_options: { include_usage: true } } : {}) }),
  responses: (model, stream) => ({ model, stream, input: 'hi' }),
};
const PATHS: Record<ApiFormat, string> = { anthropic: '/v1/messages', chat: '/v1/chat/completions', responses: '/v1/responses' };

const PROVIDERS: Array<{ prefix: string; model: string; usage: Usage }> = [
  { prefix: '/claude', model: 'claude-sonnet-4-5', usage: ANTHROPIC_USAGE },
  { prefix: '/codex', model: 'gpt-5', usage: OPENAI_USAGE },
  { prefix: '/openai', model: 'gpt-test-chat', usage: OPENAI_USAGE },
  { prefix: '/openai/resp', model: 'gpt-test-responses', usage: OPENAI_USAGE },
  { prefix: '/copilot', model: 'gpt-4o', usage: OPENAI_USAGE },
];

let dir: string;
let proxy: RunningProxy;
let anthropic: FakeAnthropicUpstream;
let chatgpt: ChatGptBackend;
let openaiChat: FakeOpenAICompatible;
let openaiResponses: FakeOpenAICompatible;
let copilot: FakeCopilot;
let codexHome: CodexHome;
const completed = new Map<string, RequestEvents['request.completed']>();

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-usage-events-'));
  anthropic = await new FakeAnthropicUpstream().start();
  anthropic.acceptedTokens.add(VALID_TOKEN);
  anthropic.script = () => ({
    kind: 'message', content: [{ type: 'text', text: 'Hello there.' }],
    usage: { input_tokens: 11, cache_read_input_tokens: 2048, cache_creation_input_tokens: 130, output_tokens: 77 },
  });
  const codexToken = accessToken(3600);
  chatgpt = await startChatGptBackend({
    validTokens: () => [codexToken], accountId: ACCOUNT_ID, basePrompt: FALLBACK_CODEX_BASE_PROMPT,
    respond: () => ({ text: 'Hello there.', usage: OPENAI_COUNTS }),
  });
  const respond = () => ({ text: 'Hello there.', usage: OPENAI_COUNTS });
  openaiChat = await new FakeOpenAICompatible({ models: ['gpt-test-chat'], respond }).start();
  openaiResponses = await new FakeOpenAICompatible({ models: ['gpt-test-responses'], respond }).start();
  copilot = await new FakeCopilot().start();
  copilot.respond = respond;
  codexHome = await makeCodexHome({ access: codexToken });
  const credFile = path.join(dir, '.claude', '.credentials.json');
  await fs.mkdir(path.dirname(credFile), { recursive: true });
  await fs.writeFile(credFile, JSON.stringify(credentials()), { mode: 0o600 });
  proxy = await startProxy({
    env: { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_DATA_HOME: path.join(dir, 'data'), XDG_STATE_HOME: path.join(dir, 'state'), XDG_CACHE_HOME: path.join(dir, 'cache') },
    cwd: dir,
    overrides: {
      server: { port: 0 },
      plugin_init_timeout: 120,
      logging: { level: 'silent' },
      enabled_plugins: ['claude_api', 'codex', 'openai', 'copilot'],
      plugins: {
        ...providerSettings({ dir, credFile, anthropic, chatgpt, codexHome, openaiChat, openaiResponses }),
        copilot: copilot.config({ github_token: copilot.githubToken }),
      },
    },
  });
  proxy.services.events.on('request.completed', (e) => completed.set(e.requestId, e));
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([anthropic?.close(), chatgpt?.close(), openaiChat?.close(), openaiResponses?.close(), copilot?.close()]);
  await codexHome?.cleanup();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('usage on request.completed', () => {
  let n = 0;
  for (const provider of PROVIDERS) {
    for (const api of ['anthropic', 'chat', 'responses'] as const) {
      for (const stream of [false, true]) {
        it(`${provider.prefix} ${api} ${stream ? 'stream' : 'json'}`, async () => {
          const id = `usage-${++n}`;
          const res = await fetch(`${proxy.url}${provider.prefix}${PATHS[api]}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': id },
            body: JSON.stringify(BODIES[api](provider.model, stream)),
          });
          const text = await res.text();
          expect(res.status, text).toBe(200);
          await expect.poll(() => completed.get(id)).toBeDefined();
          expect(completed.get(id)!.usage).toEqual(provider.usage);
        });
      }
    }
  }
});
