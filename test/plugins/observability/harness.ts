/**
 * The real proxy with claude_api and openai in front of fake upstreams, plus the observability
 * plugins a test names, with HOME and every XDG directory in a temp dir: the access log, the usage
 * database and the traces land there, never under the real home. Shared by the observability tests.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FakeAnthropicUpstream } from '../../fakes/anthropic-upstream.js';
import { FakeOpenAICompatible } from '../../fakes/openai-compatible.js';

export const CLAUDE_TOKEN = 'sk-ant-oat01-observability-token';

export interface TempHome {
  home: string;
  env: { HOME: string; XDG_CONFIG_HOME: string; XDG_DATA_HOME: string; XDG_STATE_HOME: string; XDG_CACHE_HOME: string };
}

export interface ObservedProxy extends TempHome {
  proxy: RunningProxy;
  anthropic: FakeAnthropicUpstream;
  openai: FakeOpenAICompatible;
  close(): Promise<void>;
}

/** Temp HOME with XDG dirs under it (what `startProxy({ env })` and CLI runs get). */
export async function tempHome(prefix: string): Promise<TempHome> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_STATE_HOME: path.join(home, 'state'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
  };
  return { home, env };
}

export async function startObserved(observers: string[], plugins: Record<string, unknown> = {}): Promise<ObservedProxy> {
  const anthropic = await new FakeAnthropicUpstream().start();
  anthropic.acceptedTokens.add(CLAUDE_TOKEN);
  const openai = await new FakeOpenAICompatible().start();
  const { home, env } = await tempHome('ccproxy-observe-');
  const credFile = path.join(home, '.claude', '.credentials.json');
  await fs.mkdir(path.dirname(credFile), { recursive: true });
  await fs.writeFile(credFile, JSON.stringify({ claudeAiOauth: { accessToken: CLAUDE_TOKEN, refreshToken: 'sk-ant-ort01-r', expiresAt: Date.now() + 3600_000, scopes: ['user:inference'], subscriptionType: 'max' } }), { mode: 0o600 });
  const proxy = await startProxy({
    env,
    overrides: {
      server: { port: 0 },
      logging: { level: 'silent' },
      enabled_plugins: ['claude_api', 'openai', ...observers],
      plugins: {
        claude_api: { base_url: anthropic.url, credentials_file: credFile, detection: { enabled: false } },
        openai: { base_url: openai.baseUrl, api_key: openai.apiKey },
        ...plugins,
      },
    },
  });
  return {
    proxy, anthropic, openai, home, env,
    close: async () => {
      await proxy.close();
      await anthropic.close();
      await openai.close();
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}
