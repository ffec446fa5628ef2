/**
 * A claude_api harness with a pool of two Claude accounts (a, b: two credentials files whose tokens
 * the fake upstream accepts), for the pool tests and the Claude Code CLI through a pool.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { credentials, startHarness, type Harness } from './harness.js';
import type { FakeReply, RecordedRequest } from '../../fakes/anthropic-upstream.js';

export const TOKEN_A = 'sk-ant-oat01-account-a-token';
export const TOKEN_B = 'sk-ant-oat01-account-b-token';

export const tokenOf = (r: RecordedRequest): string => String(r.headers.authorization ?? '').replace(/^Bearer /, '');
export const accountOf = (r: RecordedRequest): string => (tokenOf(r) === TOKEN_A ? 'a' : tokenOf(r) === TOKEN_B ? 'b' : '?');

export const rateLimited = (retryAfter: string, headers: Record<string, string> = {}): FakeReply => ({
  kind: 'raw', status: 429,
  headers: { 'retry-after': retryAfter, 'anthropic-ratelimit-unified-status': 'rejected', ...headers },
  body: JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'This request would exceed your account\'s rate limit.' } }),
});

async function writeCreds(file: string, token: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify(credentials({ accessToken: token, refreshToken: `${token}-refresh` })), { mode: 0o600 });
}

export async function startPool(strategy: string): Promise<Harness> {
  const h0 = await startHarness({ creds: null, config: { strategy } });
  await h0.proxy.close();
  // Same fakes, now with two accounts (the harness gives us the temp dir and fakes).
  const fileA = path.join(h0.dir, 'a.json');
  const fileB = path.join(h0.dir, 'b.json');
  await writeCreds(fileA, TOKEN_A);
  await writeCreds(fileB, TOKEN_B);
  const h = await startHarness({
    creds: null,
    env: { HOME: h0.dir, XDG_DATA_HOME: path.join(h0.dir, 'data') },
    config: { strategy, accounts: [{ name: 'a', credentials_file: fileA }, { name: 'b', credentials_file: fileB }] },
  });
  h.upstream.acceptedTokens.add(TOKEN_A);
  h.upstream.acceptedTokens.add(TOKEN_B);
  const close = h.close;
  h.close = async () => {
    await close();
    await h0.close();
  };
  return h;
}

