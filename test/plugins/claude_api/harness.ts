/**
 * Starts the real proxy (core runtime, plugin discovery) with only claude_api enabled, pointed at
 * a fake Anthropic API and a fake OAuth server, with a temp credentials file. Shared by the
 * claude_api tests.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FakeAnthropicUpstream } from '../../fakes/anthropic-upstream.js';
import { FakeOAuthServer } from '../../fakes/oauth-server.js';

export interface Harness {
  proxy: RunningProxy;
  upstream: FakeAnthropicUpstream;
  oauth: FakeOAuthServer;
  dir: string;
  credFile: string;
  /** `<proxy>/claude` */
  base: string;
  close(): Promise<void>;
}

export const VALID_TOKEN = 'sk-ant-oat01-valid-token';

/** A Claude Code credentials file with foreign fields we must keep. */
export function credentials(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    claudeAiOauth: {
      accessToken: VALID_TOKEN,
      refreshToken: 'sk-ant-ort01-refresh-1',
      expiresAt: Date.now() + 3600_000,
      scopes: ['user:inference', 'user:profile'],
      subscriptionType: 'max',
      rateLimitTier: 'default_claude_max_20x',
      ...overrides,
    },
    mcpOAuth: { 'some-server': { accessToken: 'mcp-foreign', expiresAt: 1 } },
  };
}

export interface HarnessOptions {
  /** File content (object), or null for no file. Default: valid credentials. */
  creds?: Record<string, unknown> | string | null;
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Use this credentials file (e.g. another harness's) instead of a fresh one; `creds` is then ignored. */
  credFile?: string;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const upstream = await new FakeAnthropicUpstream().start();
  const oauth = await new FakeOAuthServer().start();
  upstream.acceptedTokens.add(VALID_TOKEN);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-claude-api-'));
  const credFile = opts.credFile ?? path.join(dir, '.claude', '.credentials.json');
  const creds = opts.creds === undefined ? credentials() : opts.creds;
  if (creds && !opts.credFile) {
    await fs.mkdir(path.dirname(credFile), { recursive: true });
    await fs.writeFile(credFile, typeof creds === 'string' ? creds : JSON.stringify(creds, null, 2), { mode: 0o600 });
  }
  const proxy = await startProxy({
    env: opts.env ?? {},
    overrides: {
      server: { port: 0 },
      logging: { level: 'silent' },
      enabled_plugins: ['claude_api'],
      plugins: {
        claude_api: {
          base_url: upstream.url,
          credentials_file: credFile,
          oauth: { token_url: oauth.tokenUrl },
          detection: { enabled: false, cache_dir: path.join(dir, 'cache') },
          ...opts.config,
        },
      },
    },
  });
  return {
    proxy, upstream, oauth, dir, credFile,
    base: `${proxy.url}/claude`,
    close: async () => {
      await proxy.close();
      await upstream.close();
      await oauth.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
