/**
 * Shared setup for the codex tests: fake OpenAI tokens (JWTs with the real claim layout), a temp
 * CODEX_HOME with auth.json, and the proxy running the codex plugin on an ephemeral port.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { Plugin } from '../../../src/plugins/codex/plugin.js';

export const ACCOUNT_ID = 'acct-7f3e2a10-4c1b-4d8e-9a55-0b6f1c2d3e4f';

export function makeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}.${Buffer.from('sig').toString('base64url')}`;
}

let tokenSeq = 0;
/** An access token JWT expiring `expiresInSec` from now (negative = already expired). */
export function accessToken(expiresInSec: number): string {
  tokenSeq += 1;
  return makeJwt({
    exp: Math.floor(Date.now() / 1000) + expiresInSec,
    jti: `tok-${tokenSeq}-${Math.random().toString(36).slice(2)}`,
    'https://api.openai.com/auth': { chatgpt_account_id: ACCOUNT_ID },
  });
}

export function idToken(accountId = ACCOUNT_ID): string {
  return makeJwt({
    email: 'dev@example.com',
    exp: Math.floor(Date.now() / 1000) + 3600,
    'https://api.openai.com/auth': { chatgpt_account_id: accountId, chatgpt_plan_type: 'pro' },
  });
}

export interface CodexHome {
  dir: string;
  authFile: string;
  cacheDir: string;
  cleanup(): Promise<void>;
}

/** A temp CODEX_HOME with an auth.json in ChatGPT mode (read by the proxy only, never by a CLI). */
export async function makeCodexHome(tokens: { access: string; refresh?: string; id?: string; accountId?: string | null }): Promise<CodexHome> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'ccproxy-codex-test-'));
  const authFile = join(dir, 'auth.json');
  const auth = {
    OPENAI_API_KEY: null,
    tokens: {
      id_token: tokens.id ?? idToken(),
      access_token: tokens.access,
      refresh_token: tokens.refresh ?? 'refresh-initial',
      ...(tokens.accountId === null ? {} : { account_id: tokens.accountId ?? ACCOUNT_ID }),
    },
    last_refresh: '2026-11-01T00:00:00Z',
    foreign_field: { kept: true },
  };
  await fs.writeFile(authFile, JSON.stringify(auth, null, 2), { mode: 0o600 });
  return { dir, authFile, cacheDir: join(dir, 'cache'), cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

export interface CodexProxy {
  url: string;
  plugin: Plugin;
  proxy: RunningProxy;
  close(): Promise<void>;
}

/** The real runtime with only the codex plugin, on 127.0.0.1:0, isolated from the environment. */
export async function startCodexProxy(pluginConfig: Record<string, unknown>, cacheDir: string, more: { env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): Promise<CodexProxy> {
  const plugin = new Plugin();
  const proxy = await startProxy({
    env: { XDG_CACHE_HOME: cacheDir, ...more.env },
    plugins: [plugin],
    overrides: {
      server: { port: 0 },
      logging: { level: process.env.CODEX_TEST_LOG ?? 'silent' },
      enabled_plugins: ['codex'],
      plugins: { codex: { detection: { enabled: false }, ...pluginConfig } },
      ...more.overrides,
    },
  });
  return { url: proxy.url, plugin, proxy, close: () => proxy.close() };
}
