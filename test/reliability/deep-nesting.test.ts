/**
 * Deep nesting is a clean 400, never a crash: on every POST route of claude_api, codex, openai and
 * the root routes, a body exactly at the nesting limit (256) is handled like any other (200 or a
 * 4xx, never a 5xx: conversions and serialization stay within the stack), one level deeper is a 400
 * naming the limit, and 5,000 nested arrays in `metadata` or 50,000 nested objects are refused the
 * same way, before anything parses them.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import { FakeAnthropicUpstream } from '../fakes/anthropic-upstream.js';
import { FaultUpstream } from '../fakes/fault-upstream.js';
import { FakeOpenAICompatible } from '../fakes/openai-compatible.js';
import { accessToken, makeCodexHome, type CodexHome } from '../plugins/codex/helpers.js';
import { CLAUDE_KEY, post } from './helpers.js';
import { JsonBody } from '../../src/core/json/json-body.js';
import { convertRequest } from '../../src/formats/index.js';
import { shapeCodexRequest } from '../../src/plugins/codex/upstream-request.js';
import type { ApiFormat } from '../../src/core/adapter.js';

let proxy: RunningProxy;
let anthropic: FakeAnthropicUpstream;
let codexUp: FaultUpstream;
let openai: FakeOpenAICompatible;
let codexHome: CodexHome;
let dir: string;
let routes: string[] = [];

beforeAll(async () => {
  anthropic = await new FakeAnthropicUpstream().start();
  anthropic.acceptedApiKeys.add(CLAUDE_KEY);
  codexUp = await new FaultUpstream().start();
  openai = await new FakeOpenAICompatible().start();
  codexHome = await makeCodexHome({ access: accessToken(3600) });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-deep-'));
  proxy = await startProxy({
    env: { HOME: dir },
    overrides: {
      server: { port: 0 },
      logging: { level: 'silent' },
      enabled_plugins: ['claude_api', 'codex', 'openai'],
      plugins: {
        claude_api: { base_url: anthropic.url, auth_type: 'api_key', api_key: CLAUDE_KEY, detection: { enabled: false, cache_dir: path.join(dir, 'cache') } },
        codex: { base_url: `${codexUp.url}/backend-api/codex`, credentials_file: codexHome.authFile, detection: { enabled: false } },
        openai: { base_url: openai.baseUrl, api_key: 'sk-test', models: ['gpt-test'] },
      },
    },
  });
  routes = [
    ...proxy.registry.active().flatMap((r) => (r.routes ?? []).filter((s) => s.startsWith('POST ')).map((s) => s.slice(5))),
    '/v1/messages', '/v1/chat/completions', '/v1/responses',
  ];
});
afterAll(async () => {
  await proxy?.close();
  await anthropic?.close();
  await codexUp?.close();
  await openai?.close();
  await codexHome?.cleanup();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** `depth` nested arrays (1 = `[]`). */
const arrays = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A plausible request of the route's API whose deepest value nests `depth` levels in all (the body is level 1). */
function deepBody(route: string, depth: number): string {
  const model = route.startsWith('/openai') ? 'gpt-test' : route.startsWith('/codex') ? 'gpt-5.5' : 'claude-sonnet-4-6';
  if (route.endsWith('/messages') || route.endsWith('/count_tokens')) {
    // body > tools > [0] > input_schema > properties > p > deep
    return `{"model":"${model}","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":{"type":"object","properties":{"p":{"enum":${arrays(depth - 6)}}}}}]}`;
  }
  if (route.endsWith('/chat/completions')) {
    // body > tools > [0] > function > parameters > properties > p > deep
    return `{"model":"${model}","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"t","parameters":{"type":"object","properties":{"p":{"enum":${arrays(depth - 7)}}}}}}]}`;
  }
  // body > tools > [0] > parameters > properties > p > deep
  return `{"model":"${model}","input":"hi","tools":[{"type":"function","name":"t","parameters":{"type":"object","properties":{"p":{"enum":${arrays(depth - 6)}}}}}]}`;
}

describe('nesting depth on every POST route', () => {
  it('registered every provider route', () => {
    expect(routes).toEqual(expect.arrayContaining(['/claude/v1/messages', '/codex/v1/responses', '/openai/v1/chat/completions']));
  });

  it('at the limit: handled (200 or a 4xx), never a 5xx', async () => {
    for (const route of routes) {
      const r = await post(`${proxy.url}${route}`, deepBody(route, 256));
      expect(r.status, `${route}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
      expect(r.body).not.toMatch(/max_json_depth/);
    }
  });

  it('one level deeper, 5,000 nested arrays in metadata, 50,000 nested objects: a 400 naming the limit', async () => {
    const tooDeep = [
      (route: string) => deepBody(route, 257),
      () => `{"model":"claude-sonnet-4-6","max_tokens":5,"messages":[],"metadata":{"user_id":"u","x":${arrays(5000)}}}`,
      () => `{"model":"claude-sonnet-4-6","messages":[],"metadata":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
    ];
    for (const route of routes) {
      for (const body of tooDeep) {
        const r = await post(`${proxy.url}${route}`, body(route));
        expect(r.status, `${route}: ${r.body.slice(0, 300)}`).toBe(400);
        const parsed = JSON.parse(r.body) as { error: { message: string } };
        expect(parsed.error.message).toMatch(/deeper than the limit of 256 levels \(server\.max_json_depth\)/);
      }
    }
  });

  it('the highest configurable limit (1000) stays within the stack through every conversion and serialization', () => {
    const paths: Record<ApiFormat, string> = { anthropic: '/v1/messages', chat: '/v1/chat/completions', responses: '/v1/responses' };
    for (const from of ['anthropic', 'chat', 'responses'] as const) {
      const body = JsonBody.parse(Buffer.from(deepBody(paths[from], 1000)), { maxDepth: 1000 }).value();
      for (const to of ['anthropic', 'chat', 'responses'] as const) {
        const converted = convertRequest(from, to, body, { model: 'm' });
        expect(JSON.stringify(converted).length).toBeGreaterThan(1000);
        if (to === 'responses') {
          const shaped = shapeCodexRequest(converted, { basePrompt: 'p', model: 'gpt-5.5', effort: 'medium', reasoningSummary: 'auto' });
          expect(JSON.stringify(shaped.body).length).toBeGreaterThan(1000);
        }
      }
    }
  });
});
