/**
 * Known fake secrets (Claude API key, Codex access/refresh/id tokens, the proxy's own auth token,
 * the client's key) never show up in debug-level logs, error bodies, `/health`, `/plugins`, or
 * `ccproxy config show` (run as a subprocess).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, sandbox } from '../cli/run-cli.js';
import { anthropicBody, chatBody, CLAUDE_KEY, expectQuiet, post, useFaultProxy } from './helpers.js';

const AUTH_TOKEN = 'ccproxy-local-SECRET-auth-token-4242';
const CLIENT_KEY = 'sk-ant-client-SECRET-should-never-leave';

const logLines: string[] = [];
const seen: string[] = [];
let secrets: string[] = [];

const t = useFaultProxy({
  level: 'debug',
  logDestination: { write: (s: string) => void logLines.push(s) },
  core: { server: { port: 0, auth_token: AUTH_TOKEN } },
});
// Registered after useFaultProxy's beforeAll, so the codex auth.json exists by now.
beforeAll(async () => {
  const auth = JSON.parse(await fs.readFile(t.codexHome.authFile, 'utf8')) as { tokens: Record<string, string> };
  secrets = [CLAUDE_KEY, AUTH_TOKEN, CLIENT_KEY, auth.tokens.access_token!, auth.tokens.refresh_token!, auth.tokens.id_token!];
});

function expectNoSecret(where: string, text: string): void {
  for (const s of secrets) {
    expect(text.includes(s), `${where} contains a secret (${s.slice(0, 12)}…)`).toBe(false);
    // JWTs: their signature-less middle part alone would also be a leak.
    if (s.split('.').length === 3) expect(text.includes(s.split('.')[1]!), `${where} contains a JWT payload`).toBe(false);
  }
}

describe('secrets stay out of every output', () => {
  it('requests (ok, upstream errors, refused auth) at debug level', async () => {
    const headers = { authorization: `Bearer ${AUTH_TOKEN}`, 'x-client-key': CLIENT_KEY };
    const u = t.proxy.url;
    t.upstream.fault = { kind: 'ok' };
    for (const [p, body] of [['/claude/v1/messages', anthropicBody(true)], ['/claude/v1/chat/completions', chatBody(false)], ['/codex/v1/messages', anthropicBody(true)]] as const) {
      const r = await post(`${u}${p}`, body, headers);
      expect(r.status).toBe(200);
      seen.push(r.body);
    }
    // Upstream auth failures (the proxy then explains which credential was refused, without it).
    t.upstream.fault = { kind: 'status', status: 401, body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }) };
    for (const p of ['/claude/v1/messages', '/codex/v1/chat/completions']) {
      const r = await post(`${u}${p}`, p.includes('messages') ? anthropicBody(false) : chatBody(false), headers);
      expect(r.status).toBeGreaterThanOrEqual(400);
      seen.push(r.body);
    }
    t.upstream.fault = { kind: 'status', status: 500 };
    seen.push((await post(`${u}/codex/v1/responses`, { model: 'gpt-5.5', input: 'hi' }, headers)).body);
    // Wrong or missing proxy token, client key in x-api-key.
    seen.push((await post(`${u}/claude/v1/messages`, anthropicBody(false), { 'x-api-key': CLIENT_KEY })).body);
    seen.push((await post(`${u}/claude/v1/messages`, '{"model":', headers)).body);
    // The upstream never saw the proxy's own token or the client's key.
    for (const r of t.upstream.requests) {
      const h = JSON.stringify(r.headers);
      expect(h).not.toContain(AUTH_TOKEN);
      expect(h).not.toContain(CLIENT_KEY);
    }
    for (const body of seen) expectNoSecret('an error or response body', body);
  });

  it('/health and /plugins', async () => {
    for (const p of ['/health', '/health/ready', '/plugins']) {
      const res = await fetch(`${t.proxy.url}${p}`, { headers: { authorization: `Bearer ${AUTH_TOKEN}` } });
      expectNoSecret(p, await res.text());
    }
  });

  it('the debug log', async () => {
    // Every request has ended, so every line it logs has been written.
    await expectQuiet(t.proxy, t.upstream);
    const log = logLines.join('');
    expect(log).toContain('"level":20');
    expectNoSecret('the log', log);
  });

  it('`ccproxy config show` masks them', async () => {
    const box = await sandbox();
    try {
      const file = path.join(box.dir, 'ccproxy.toml');
      await fs.writeFile(file, [
        '[server]', `auth_token = "${AUTH_TOKEN}"`, '',
        '[plugins.claude_api]', 'auth_type = "api_key"', `api_key = "${CLAUDE_KEY}"`, '[plugins.claude_api.detection]', 'enabled = false', '',
        '[plugins.codex]', `credentials_file = "${t.codexHome.authFile}"`, '[plugins.codex.detection]', 'enabled = false', '',
      ].join('\n'));
      const r = await runCli(['--config', file, 'config', 'show'], box);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('api_key');
      expectNoSecret('config show', r.stdout + r.stderr);
    } finally {
      await box.cleanup();
    }
  });
});
