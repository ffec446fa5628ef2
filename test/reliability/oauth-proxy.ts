/**
 * The real runtime with both OAuth providers (claude_api with Claude Code's credentials file, codex
 * with Codex's auth.json), each with its own fake token endpoint and fake upstream, temp HOME, and
 * the log captured at debug level. The credentials start expired, so the first request refreshes.
 * `each` lets a test run the same scenario against both providers.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../src/plugins/codex/detection-fallback.js';
import { FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { startChatGptBackend, type ChatGptBackend } from '../fakes/chatgpt-backend.js';
import { FakeOAuthServer } from '../fakes/oauth-server.js';
import { ACCOUNT_ID, accessToken, idToken } from '../plugins/codex/helpers.js';
import { anthropicBody, post, type Reply } from './helpers.js';

export const CLAUDE_REFRESH = 'sk-ant-ort01-initial-refresh-token-0001';
export const CODEX_REFRESH = 'rt_initial-codex-refresh-token-0001';

export interface Provider {
  name: 'claude_api' | 'codex';
  /** The credentials path the plugin is configured with. */
  file: string;
  oauth: FakeOAuthServer;
  /** A Messages request through this provider. */
  ask(headers?: Record<string, string>): Promise<Reply>;
  /** Bearer tokens the upstream received, in order. */
  bearers(): string[];
  /** The upstream stops accepting this access token (forces a refresh on the next request). */
  revoke(token: string): void;
  /** Initial file content (expired access token, refresh token `*_REFRESH`). */
  initial: Record<string, unknown>;
  /** Refresh token in parsed file content. */
  refreshTokenOf(content: Record<string, unknown>): string | undefined;
}

export interface OAuthProxy {
  proxy: RunningProxy;
  dir: string;
  claude: Provider;
  codex: Provider;
  logs: string[];
  close(): Promise<void>;
}

export interface OAuthProxyOptions {
  /** Core settings merged over the defaults (e.g. `{ server: { auth_token } }`). */
  core?: Record<string, unknown>;
  /** Runs before the proxy starts, when both default credential files exist: replace or move them. */
  prepare?: (paths: { claude: string; codex: string; dir: string }) => Promise<void>;
  /** Configure these credentials paths instead (e.g. a symlink `prepare` creates). */
  paths?: { claude?: string; codex?: string };
}

export async function startOAuthProxy(opts: OAuthProxyOptions = {}): Promise<OAuthProxy> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-oauth-'));
  const claudeDefault = path.join(dir, 'claude', '.credentials.json');
  const codexDefault = path.join(dir, 'codex', 'auth.json');
  const claudeInitial = {
    claudeAiOauth: { accessToken: 'sk-ant-oat01-initial-expired-access-0001', refreshToken: CLAUDE_REFRESH, expiresAt: Date.now() - 60_000, subscriptionType: 'max' },
    mcpOAuth: { foreign: true },
  };
  const codexInitial = {
    OPENAI_API_KEY: null,
    tokens: { id_token: idToken(), access_token: accessToken(-60), refresh_token: CODEX_REFRESH, account_id: ACCOUNT_ID },
    last_refresh: '2026-01-01T00:00:00Z',
  };
  for (const [file, content] of [[claudeDefault, claudeInitial], [codexDefault, codexInitial]] as const) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(content, null, 2), { mode: 0o600 });
  }
  await opts.prepare?.({ claude: claudeDefault, codex: codexDefault, dir });

  const claudeUpstream = await new FakeAnthropicUpstream().start();
  for (let i = 1; i <= 50; i++) claudeUpstream.acceptedTokens.add(`fake-access-${i}`);
  const claudeOAuth = await new FakeOAuthServer().start();
  claudeOAuth.strictRefreshTokens = true;
  claudeOAuth.validRefreshTokens.add(CLAUDE_REFRESH);

  const codexValid = new Set<string>();
  const codexOAuth = await new FakeOAuthServer({
    extraResponse: () => {
      const access = accessToken(3600);
      codexValid.add(access);
      return { access_token: access, id_token: idToken() };
    },
  }).start();
  codexOAuth.strictRefreshTokens = true;
  codexOAuth.validRefreshTokens.add(CODEX_REFRESH);
  const backend: ChatGptBackend = await startChatGptBackend({ validTokens: () => [...codexValid], accountId: ACCOUNT_ID, basePrompt: FALLBACK_CODEX_BASE_PROMPT });

  const logs: string[] = [];
  const claudeFile = opts.paths?.claude ?? claudeDefault;
  const codexFile = opts.paths?.codex ?? codexDefault;
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({
      env: { HOME: dir, XDG_CACHE_HOME: path.join(dir, 'cache') },
      logDestination: { write: (line: string) => void logs.push(line) },
      overrides: {
        logging: { level: 'debug' },
        enabled_plugins: ['claude_api', 'codex'],
        ...opts.core,
        server: { port: 0, ...(opts.core?.server as object | undefined) },
        plugins: {
          claude_api: {
            base_url: claudeUpstream.url,
            credentials_file: claudeFile,
            oauth: { token_url: claudeOAuth.tokenUrl },
            detection: { enabled: false, cache_dir: path.join(dir, 'cache') },
          },
          codex: {
            base_url: backend.baseUrl,
            credentials_file: codexFile,
            oauth: { token_url: codexOAuth.tokenUrl },
            detection: { enabled: false },
          },
        },
      },
    });
  } catch (err) {
    await Promise.all([claudeUpstream.close(), claudeOAuth.close(), codexOAuth.close(), backend.close()]);
    throw err;
  }
  const bearer = (h: Record<string, unknown>): string => String(h.authorization ?? '').replace(/^Bearer /, '');
  const claude: Provider = {
    name: 'claude_api',
    file: claudeFile,
    oauth: claudeOAuth,
    ask: (headers = {}) => post(`${proxy.url}/claude/v1/messages`, anthropicBody(false), headers),
    bearers: () => claudeUpstream.messageRequests.map((r) => bearer(r.headers)),
    revoke: (token) => void claudeUpstream.acceptedTokens.delete(token),
    initial: claudeInitial,
    refreshTokenOf: (c) => (c.claudeAiOauth as { refreshToken?: string } | undefined)?.refreshToken,
  };
  const codex: Provider = {
    name: 'codex',
    file: codexFile,
    oauth: codexOAuth,
    ask: (headers = {}) => post(`${proxy.url}/codex/v1/messages`, anthropicBody(false), headers),
    bearers: () => backend.requests.map((r) => bearer(r.headers)),
    revoke: (token) => void codexValid.delete(token),
    initial: codexInitial,
    refreshTokenOf: (c) => (c.tokens as { refresh_token?: string } | undefined)?.refresh_token,
  };
  return {
    proxy, dir, claude, codex, logs,
    close: async () => {
      await proxy.close();
      await Promise.all([claudeUpstream.close(), claudeOAuth.close(), codexOAuth.close(), backend.close()]);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
