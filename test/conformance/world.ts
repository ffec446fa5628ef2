/**
 * One proxy with every provider, each in front of its fake upstream answering by scenario:
 * claude_api → fake Anthropic API, codex → fake ChatGPT backend, openai → a fake Chat server
 * (`/openai`) and a fake Responses server (`/openai/resp`), claude_sdk with no CLI (only what runs
 * before the CLI starts). `server.auth_token` is set, so every request carries the proxy token.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../src/plugins/codex/detection-fallback.js';
import { FakeAnthropicUpstream, apiError, text, toolUse, type FakeReply } from '../fakes/anthropic-upstream.js';
import { startChatGptBackend, type ChatGptBackend, type ScriptedTurn } from '../fakes/chatgpt-backend.js';
import { FakeOpenAICompatible, type FakeTurn } from '../fakes/openai-compatible.js';
import { credentials, VALID_TOKEN } from '../plugins/claude_api/harness.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, type CodexHome } from '../plugins/codex/helpers.js';
import { PARTIAL, REASONING, TEXT, TOOL, TOOL_ARGS, TOOL_RESULT_ANSWER, scenarioOf, type Scenario } from './cases.js';

export const PROXY_TOKEN = 'conformance-proxy-token';

/** The fake Anthropic API's answer for each scenario. */
export function anthropicReply(scenario: Scenario): FakeReply {
  switch (scenario) {
    case 'text': return text(TEXT);
    case 'tool_call': return toolUse(TOOL.name, TOOL_ARGS, 'Let me check.');
    case 'tool_result': return text(TOOL_RESULT_ANSWER);
    case 'reasoning': return { kind: 'message', content: [{ type: 'thinking', thinking: REASONING, signature: 'EqQBCkYIBxgCKkBconformanceSignature' }, { type: 'text', text: TEXT }] };
    case 'http_400': return apiError(400, 'messages.0.content: conformance bad request');
    case 'http_429': return { kind: 'error', status: 429, type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', retryAfter: '7' };
    case 'http_500': return apiError(500, 'Internal server error');
    case 'http_overloaded': return apiError(529, 'Overloaded');
    case 'stream_error': return { kind: 'stream-error', content: [{ type: 'text', text: PARTIAL }], afterEvents: 4, type: 'overloaded_error', message: 'Overloaded' };
    case 'stream_cut': return { kind: 'broken', content: [{ type: 'text', text: PARTIAL }], afterEvents: 4 };
  }
}

/** The fake ChatGPT backend's turn for each scenario (its error bodies are the backend's own shapes). */
export function codexTurn(scenario: Scenario): ScriptedTurn {
  switch (scenario) {
    case 'text': return { text: TEXT };
    case 'tool_call': return { text: 'Let me check.', toolCalls: [{ name: TOOL.name, arguments: TOOL_ARGS }] };
    case 'tool_result': return { text: TOOL_RESULT_ANSWER };
    case 'reasoning': return { reasoning: REASONING, text: TEXT };
    case 'http_400': return { httpError: { status: 400, body: { detail: 'Unsupported value: conformance' } } };
    case 'http_429': return { httpError: { status: 429, body: { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus', resets_in_seconds: 3600 } } } };
    case 'http_500': return { httpError: { status: 500, body: { error: { message: 'An error occurred while processing your request.', type: 'server_error', param: null, code: null } } } };
    case 'http_overloaded': return { httpError: { status: 503, body: { error: { message: 'Our servers are currently overloaded.', type: 'server_error', param: null, code: 'server_is_overloaded' } } } };
    case 'stream_error': return { text: PARTIAL, fail: { code: 'server_error', message: 'The model failed mid-answer.' } };
    case 'stream_cut': return { text: PARTIAL, cutAfterEvents: 7 };
  }
}

/** The fake OpenAI-compatible server's turn for each scenario (Chat and Responses flavour alike). */
export function openaiTurn(scenario: Scenario): FakeTurn {
  switch (scenario) {
    case 'text': return { text: TEXT };
    case 'tool_call': return { text: 'Let me check.', toolCalls: [{ name: TOOL.name, arguments: TOOL_ARGS }] };
    case 'tool_result': return { text: TOOL_RESULT_ANSWER };
    case 'reasoning': return { reasoning: REASONING, text: TEXT };
    case 'http_400': return { httpError: { status: 400, message: "Invalid value for 'messages': conformance", type: 'invalid_request_error', code: 'invalid_value' } };
    case 'http_429': return { httpError: { status: 429, message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded', retryAfter: '7' } };
    case 'http_500': return { httpError: { status: 500, message: 'The server had an error while processing your request.', type: 'server_error' } };
    case 'http_overloaded': return { httpError: { status: 503, message: 'The engine is currently overloaded, please try again later', type: 'server_error', code: 'server_is_overloaded' } };
    case 'stream_error': return { text: PARTIAL, streamError: 'The server had an error while processing your request.' };
    case 'stream_cut': return { text: PARTIAL, cutAfterEvents: 3 };
  }
}

/** `[plugins]` settings for claude_api, codex and openai (`/openai`, `/openai/resp`) in front of their fakes. */
export function providerSettings(w: {
  dir: string; credFile: string; anthropic: FakeAnthropicUpstream; chatgpt: ChatGptBackend; codexHome: CodexHome;
  openaiChat: FakeOpenAICompatible; openaiResponses: FakeOpenAICompatible;
}): Record<string, unknown> {
  return {
    claude_api: { base_url: w.anthropic.url, credentials_file: w.credFile, detection: { enabled: false, cache_dir: path.join(w.dir, 'cache') } },
    codex: { base_url: w.chatgpt.baseUrl, credentials_file: w.codexHome.authFile, detection: { enabled: false } },
    openai: {
      base_url: w.openaiChat.baseUrl, api_key: w.openaiChat.apiKey,
      providers: { resp: { base_url: w.openaiResponses.baseUrl, api_key: w.openaiResponses.apiKey, upstream_format: 'responses' } },
    },
  };
}

export interface World {
  proxy: RunningProxy;
  anthropic: FakeAnthropicUpstream;
  chatgpt: ChatGptBackend;
  openaiChat: FakeOpenAICompatible;
  openaiResponses: FakeOpenAICompatible;
  /** The ChatGPT backend's access token (for requests straight to the fake). */
  codexToken: string;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-conformance-'));
  const anthropic = await new FakeAnthropicUpstream().start();
  anthropic.acceptedTokens.add(VALID_TOKEN);
  anthropic.acceptedApiKeys.add('sk-ant-conformance');
  anthropic.script = (req) => anthropicReply(scenarioOf(req.body));
  const codexToken = accessToken(3600);
  const chatgpt = await startChatGptBackend({
    validTokens: () => [codexToken], accountId: ACCOUNT_ID, basePrompt: FALLBACK_CODEX_BASE_PROMPT,
    respond: (req) => codexTurn(scenarioOf(req.body)),
  });
  const respond = (req: { body: Record<string, unknown> }): FakeTurn => openaiTurn(scenarioOf(req.body));
  const openaiChat = await new FakeOpenAICompatible({ models: ['gpt-test-chat'], respond }).start();
  const openaiResponses = await new FakeOpenAICompatible({ models: ['gpt-test-responses'], respond }).start();
  let codexHome: CodexHome | undefined;
  let proxy: RunningProxy | undefined;
  try {
    codexHome = await makeCodexHome({ access: codexToken });
    const credFile = path.join(dir, '.claude', '.credentials.json');
    await fs.mkdir(path.dirname(credFile), { recursive: true });
    await fs.writeFile(credFile, JSON.stringify(credentials()), { mode: 0o600 });
    proxy = await startProxy({
      env: { HOME: dir, XDG_CACHE_HOME: path.join(dir, 'cache') },
      cwd: dir,
      overrides: {
        server: { port: 0, auth_token: PROXY_TOKEN },
        logging: { level: process.env.CONFORMANCE_LOG ?? 'silent' },
        enabled_plugins: ['claude_api', 'codex', 'openai', 'claude_sdk'],
        plugins: {
          ...providerSettings({ dir, credFile, anthropic, chatgpt, codexHome, openaiChat, openaiResponses }),
          claude_sdk: { cli_path: path.join(dir, 'no-claude-cli'), prewarm: false, cwd: dir },
        },
      },
    });
  } catch (err) {
    await Promise.all([anthropic.close(), chatgpt.close(), openaiChat.close(), openaiResponses.close()]);
    await codexHome?.cleanup();
    throw err;
  }
  const running = proxy;
  return {
    proxy: running, anthropic, chatgpt, openaiChat, openaiResponses, codexToken,
    close: async () => {
      await running.close();
      await Promise.all([anthropic.close(), chatgpt.close(), openaiChat.close(), openaiResponses.close()]);
      await codexHome?.cleanup();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
