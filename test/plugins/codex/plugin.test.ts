/** Plugin wiring: protocol fields, config schema, startup info, health and the scheduled task. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Plugin } from '../../../src/plugins/codex/plugin.js';
import { CodexConfigSchema } from '../../../src/plugins/codex/config.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, startCodexProxy, type CodexHome, type CodexProxy } from './helpers.js';

let home: CodexHome;
let proxy: CodexProxy;

beforeAll(async () => {
  home = await makeCodexHome({ access: accessToken(3600) });
  proxy = await startCodexProxy({ base_url: 'http://127.0.0.1:9/backend-api/codex', credentials_file: home.authFile }, home.cacheDir);
});

afterAll(async () => {
  await proxy?.close();
  await home?.cleanup();
});

describe('codex plugin', () => {
  it('declares the protocol fields and a snake_case schema with defaults', () => {
    const p = new Plugin();
    expect(p.kind).toBe('provider');
    expect(p.name).toBe('codex');
    expect(p.routerPrefix).toBe('/codex');
    expect(p.auth.aliases).toContain('codex');
    const config = CodexConfigSchema.parse({});
    expect(config).toMatchObject({
      enabled: true,
      base_url: 'https://chatgpt.com/backend-api/codex',
      refresh_margin_seconds: 300,
      oauth: { token_url: 'https://auth.openai.com/oauth/token', client_id: 'app_EMoamEEZ73f0CkXaXp7hrann', redirect_port: 1455 },
    });
    expect(() => CodexConfigSchema.parse({ reasoning_effort: 'extreme' })).toThrow();
  });

  it('startup info says where the credentials are and who is logged in', () => {
    const info = proxy.plugin.startupInfo();
    expect(info.credentials?.ok).toBe(true);
    expect(info.credentials?.message).toContain(home.authFile);
    expect(info.credentials?.message).toContain('dev@example.com');
  });

  it('health: credentials valid, account id known, CLI data from the shipped fallback (warn)', async () => {
    const h = await proxy.plugin.healthCheck();
    expect(h.status).toBe('warn');
    expect(h.details).toMatchObject({ credentials: 'valid', account_id_known: true, cli: { source: 'fallback' } });
    expect(JSON.stringify(h)).not.toContain(ACCOUNT_ID);
  });

  it('registers the hourly detection task without an initial run', () => {
    const [task] = proxy.plugin.getScheduledTasks();
    expect(task).toMatchObject({ name: 'codex_detection_refresh', intervalSeconds: 3600, skipInitialRun: true });
  });

  it('serves /health with the codex check', async () => {
    const res = await fetch(`${proxy.url}/health`);
    const body = (await res.json()) as { checks?: Record<string, unknown> };
    expect(JSON.stringify(body.checks ?? body)).toContain('codex');
  });
});
