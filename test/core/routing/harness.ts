/**
 * Three real providers behind one proxy, each on its own fake upstream: claude_api (fake Anthropic
 * API + OAuth credentials file), codex (fake ChatGPT backend + auth.json) and openai (fake
 * OpenAI-compatible servers: the default instance and the `flaky` instance).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { FakeAnthropicUpstream } from '../../fakes/anthropic-upstream.js';
import { startChatGptBackend, type ChatGptBackend } from '../../fakes/chatgpt-backend.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';
import { FakeOpenAICompatible } from '../../fakes/openai-compatible.js';
import { credentials, VALID_TOKEN } from '../../plugins/claude_api/harness.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, type CodexHome } from '../../plugins/codex/helpers.js';

export interface Upstreams {
  anthropic: FakeAnthropicUpstream;
  oauth: FakeOAuthServer;
  chatgpt: ChatGptBackend;
  openai: FakeOpenAICompatible;
  flaky: FakeOpenAICompatible;
  dir: string;
  claudeCreds: string;
  codexHome: CodexHome;
  close(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const anthropic = await new FakeAnthropicUpstream().start();
  anthropic.acceptedTokens.add(VALID_TOKEN);
  const oauth = await new FakeOAuthServer().start();
  const codexToken = accessToken(3600);
  const chatgpt = await startChatGptBackend({ validTokens: () => [codexToken], accountId: ACCOUNT_ID, basePrompt: FALLBACK_CODEX_BASE_PROMPT });
  const openai = await new FakeOpenAICompatible({ apiKey: 'sk-main', respond: () => ({ text: 'from openai' }) }).start();
  const flaky = await new FakeOpenAICompatible({ apiKey: 'sk-flaky', respond: () => ({ httpError: { status: 503, message: 'The server is overloaded' } }) }).start();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-routing-'));
  const claudeCreds = path.join(dir, '.claude', '.credentials.json');
  await fs.mkdir(path.dirname(claudeCreds), { recursive: true });
  await fs.writeFile(claudeCreds, JSON.stringify(credentials()), { mode: 0o600 });
  const codexHome = await makeCodexHome({ access: codexToken });
  return {
    anthropic, oauth, chatgpt, openai, flaky, dir, claudeCreds, codexHome,
    close: async () => {
      await Promise.all([anthropic.close(), oauth.close(), chatgpt.close(), openai.close(), flaky.close()]);
      await codexHome.cleanup();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The proxy with all three providers and the given `[routing]`. */
export function startRoutedProxy(up: Upstreams, routing: Record<string, unknown> | undefined): Promise<RunningProxy> {
  return startProxy({
    env: { XDG_CACHE_HOME: path.join(up.dir, 'cache') },
    overrides: {
      server: { port: 0 },
      logging: { level: process.env.ROUTING_TEST_LOG ?? 'silent' },
      enabled_plugins: ['claude_api', 'codex', 'openai'],
      ...(routing ? { routing } : {}),
      plugins: {
        claude_api: {
          base_url: up.anthropic.url,
          credentials_file: up.claudeCreds,
          oauth: { token_url: up.oauth.tokenUrl },
          detection: { enabled: false, cache_dir: path.join(up.dir, 'cache') },
        },
        codex: { base_url: up.chatgpt.baseUrl, credentials_file: up.codexHome.authFile, detection: { enabled: false } },
        openai: {
          base_url: up.openai.baseUrl,
          api_key: 'sk-main',
          providers: { flaky: { base_url: up.flaky.baseUrl, api_key: 'sk-flaky', models: ['flaky-model'] } },
        },
      },
    },
  });
}
