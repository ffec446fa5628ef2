/**
 * Conformance to the official API specifications (test/fixtures/specs/): every provider × client
 * API × stream/non-stream × scenario through the real proxy, and the fake upstreams' own output,
 * validated by check.ts (schemas, error bodies, event names, stream grammar). A violation fails
 * its case unless the allow-list (allow-list.ts) names it; an allow-list entry no case needed
 * fails the last test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../src/plugins/codex/detection-fallback.js';
import { STREAM_ERROR_REQUEST_ID } from '../fakes/anthropic-upstream.js';
import { FaultUpstream } from '../fakes/fault-upstream.js';
import { ACCOUNT_ID } from '../plugins/codex/helpers.js';
import { ALLOWANCES, EXTRA_EVENTS, allowanceKey } from './allow-list.js';
import {
  HTTP_ERROR_SCENARIOS, MID_STREAM_SCENARIOS, PATHS, SUCCESS_SCENARIOS, TEXT, badRequestBody, evidence, requestBody, type Scenario,
} from './cases.js';
import { violations, type ClientApi, type Expected } from './check.js';
import { ROOTS, specValidators, type SpecName } from './spec-schemas.js';
import { PROXY_TOKEN, startWorld, type World } from './world.js';

interface Case {
  name: string;
  /** URL of the request, given the running world. */
  url: (w: World) => string;
  api: ClientApi;
  body: string;
  headers?: (w: World) => Record<string, string>;
  expected: Expected;
}

const APIS: readonly ClientApi[] = ['anthropic', 'chat', 'responses'];
const MODES = [false, true] as const;
const mode = (stream: boolean): string => (stream ? 'stream' : 'json');
const is5xx = (s: number): boolean => s >= 500 && s < 600;

interface Target {
  name: string;
  prefix: string;
  model: string;
  /** The upstream answers with a stream whatever the client asked (mid-stream failures reach non-stream clients too). */
  alwaysStreams?: boolean;
}

const TARGETS: readonly Target[] = [
  { name: 'claude_api', prefix: '/claude', model: 'claude-sonnet-4-5' },
  { name: 'codex', prefix: '/codex', model: 'gpt-5.5', alwaysStreams: true },
  { name: 'openai/chat', prefix: '/openai', model: 'gpt-test-chat' },
  { name: 'openai/responses', prefix: '/openai/resp', model: 'gpt-test-responses' },
];

let seq = 0;
const proxyCase = (c: Omit<Case, 'url'> & { path: string }): Case => {
  const id = `conf-${++seq}`;
  const expected = { requestId: id, ...c.expected };
  return {
    ...c, expected,
    url: (w) => `${w.proxy.url}${c.path}`,
    headers: (w) => ({ authorization: `Bearer ${PROXY_TOKEN}`, 'x-request-id': id, ...c.headers?.(w) }),
  };
};

function httpErrorStatus(api: ClientApi, scenario: Scenario): Expected['status'] {
  if (scenario === 'http_400') return 400;
  if (scenario === 'http_429') return 429;
  if (scenario === 'http_overloaded') return api === 'anthropic' ? 529 : 503;
  return is5xx;
}

function proxyCases(): Case[] {
  const cases: Case[] = [];
  for (const t of TARGETS) {
    for (const api of APIS) {
      const path = `${t.prefix}${PATHS[api]}`;
      const at = `${t.name} ${api}`;
      for (const stream of MODES) {
        const includeUsage = api === 'chat' && stream;
        for (const s of SUCCESS_SCENARIOS) {
          cases.push(proxyCase({ name: `${at} ${mode(stream)} ${s}`, path, api, body: JSON.stringify(requestBody(api, s, t.model, stream)), expected: { outcome: 'ok', status: 200, includeUsage, contains: evidence(s) } }));
        }
        for (const s of HTTP_ERROR_SCENARIOS) {
          cases.push(proxyCase({ name: `${at} ${mode(stream)} upstream ${s}`, path, api, body: JSON.stringify(requestBody(api, s, t.model, stream)), expected: { outcome: 'error', status: httpErrorStatus(api, s) } }));
        }
        if (!stream && !t.alwaysStreams) continue;
        for (const s of MID_STREAM_SCENARIOS) {
          // Passthrough: the fake Anthropic API's own `event: error` reaches the client as it was sent.
          const requestId = t.name === 'claude_api' && api === 'anthropic' && s === 'stream_error' ? STREAM_ERROR_REQUEST_ID : undefined;
          const expected: Expected = stream
            ? { outcome: 'stream-error', status: 200, includeUsage, ...(requestId ? { requestId } : {}) }
            : { outcome: 'error', status: is5xx };
          cases.push(proxyCase({ name: `${at} ${mode(stream)} upstream ${s}`, path, api, body: JSON.stringify(requestBody(api, s, t.model, stream)), expected }));
        }
      }
      cases.push(proxyCase({ name: `${at} bad request`, path, api, body: JSON.stringify(badRequestBody(api, t.model)), expected: { outcome: 'error', status: 400 } }));
      if (api === 'chat') {
        // Without `stream_options.include_usage` a Chat stream has no usage chunk.
        const { stream_options: _omitted, ...body } = requestBody(api, 'text', t.model, true);
        cases.push(proxyCase({ name: `${at} stream text without usage chunk`, path, api, body: JSON.stringify(body), expected: { outcome: 'ok', status: 200, includeUsage: false, contains: evidence('text') } }));
      }
    }
  }
  for (const api of APIS) {
    const path = PATHS[api];
    cases.push(proxyCase({ name: `root ${api} malformed JSON`, path, api, body: '{"model": "gpt-test-chat", ', expected: { outcome: 'error', status: 400 } }));
    cases.push(proxyCase({ name: `root ${api} unknown model`, path, api, body: JSON.stringify(requestBody(api, 'text', 'conformance-no-such-model', false)), expected: { outcome: 'error', status: (s) => s === 404 || s === 400 } }));
    for (const stream of MODES) {
      cases.push(proxyCase({ name: `root ${api} ${mode(stream)} text`, path, api, body: JSON.stringify(requestBody(api, 'text', 'gpt-test-chat', stream)), expected: { outcome: 'ok', status: 200, includeUsage: api === 'chat' && stream, contains: [TEXT] } }));
    }
    for (const prefix of ['', '/codex']) {
      const body = JSON.stringify(requestBody(api, 'text', 'gpt-5.5', false));
      cases.push(proxyCase({ name: `${prefix || 'root'} ${api} missing proxy token`, path: `${prefix}${path}`, api, body, headers: () => ({ authorization: '' }), expected: { outcome: 'error', status: 401 } }));
      cases.push(proxyCase({ name: `${prefix || 'root'} ${api} wrong proxy token`, path: `${prefix}${path}`, api, body, headers: () => ({ authorization: 'Bearer not-the-token' }), expected: { outcome: 'error', status: 401 } }));
    }
    // claude_sdk without a CLI: only what the proxy answers before one would start.
    const sdkPath = `/claude/sdk${path}`;
    cases.push(proxyCase({ name: `claude_sdk ${api} bad request`, path: sdkPath, api, body: JSON.stringify(badRequestBody(api, 'claude-sonnet-4-5')), expected: { outcome: 'error', status: 400 } }));
    for (const stream of MODES) {
      cases.push(proxyCase({ name: `claude_sdk ${api} ${mode(stream)} no CLI`, path: sdkPath, api, body: JSON.stringify(requestBody(api, 'text', 'claude-sonnet-4-5', stream)), expected: { outcome: 'error', status: is5xx } }));
    }
  }
  return cases;
}

/** The fakes answering directly: what the proxy is tested against must itself be what the real services send. */
function fakeCases(): Case[] {
  const cases: Case[] = [];
  const upstreams: { name: string; api: ClientApi; url: (w: World) => string; headers: (w: World) => Record<string, string>; streamsOnly?: boolean; shape?: (b: Record<string, unknown>) => Record<string, unknown> }[] = [
    { name: 'fake Anthropic API', api: 'anthropic', url: (w) => `${w.anthropic.url}/v1/messages`, headers: () => ({ 'x-api-key': 'sk-ant-conformance', 'anthropic-version': '2023-06-01' }) },
    { name: 'fake OpenAI Chat', api: 'chat', url: (w) => `${w.openaiChat.baseUrl}/chat/completions`, headers: (w) => ({ authorization: `Bearer ${w.openaiChat.apiKey}` }) },
    { name: 'fake OpenAI Responses', api: 'responses', url: (w) => `${w.openaiResponses.baseUrl}/responses`, headers: (w) => ({ authorization: `Bearer ${w.openaiResponses.apiKey}` }) },
    {
      name: 'fake ChatGPT backend', api: 'responses', streamsOnly: true,
      url: (w) => `${w.chatgpt.baseUrl}/responses`,
      headers: (w) => ({ authorization: `Bearer ${w.codexToken}`, 'chatgpt-account-id': ACCOUNT_ID }),
      shape: (b) => ({ ...b, instructions: FALLBACK_CODEX_BASE_PROMPT, store: false }),
    },
  ];
  for (const u of upstreams) {
    const make = (s: Scenario, stream: boolean, expected: Expected): void => {
      const body = requestBody(u.api, s, 'fake-model', stream);
      cases.push({ name: `${u.name} ${mode(stream)} ${s}`, url: u.url, headers: u.headers, api: u.api, body: JSON.stringify(u.shape ? u.shape(body) : body), expected });
    };
    for (const stream of MODES) {
      if (u.streamsOnly && !stream) continue;
      for (const s of SUCCESS_SCENARIOS) make(s, stream, { outcome: 'ok', status: 200, includeUsage: u.api === 'chat' && stream, contains: evidence(s), requestId: /^req_/ });
      if (stream) make('stream_error', true, { outcome: 'stream-error', status: 200, includeUsage: u.api === 'chat', requestId: /^req_/ });
      // The ChatGPT backend's error bodies are its own (`{"detail": …}`), not an API's error schema.
      if (!u.streamsOnly) for (const s of HTTP_ERROR_SCENARIOS) make(s, stream, { outcome: 'error', requestId: /^req_/ });
    }
  }
  return cases;
}

interface FaultCase {
  name: string;
  api: ClientApi;
  path: string;
  stream: boolean;
}

const FAULT_CASES: FaultCase[] = [
  { name: 'fault upstream Anthropic stream', api: 'anthropic', path: '/v1/messages', stream: true },
  { name: 'fault upstream Anthropic json', api: 'anthropic', path: '/v1/messages', stream: false },
  { name: 'fault upstream Responses stream', api: 'responses', path: '/backend-api/codex/responses', stream: true },
];

async function send(c: Case, w: World): Promise<string[]> {
  const res = await fetch(c.url(w), { method: 'POST', headers: { 'content-type': 'application/json', ...c.headers?.(w) }, body: c.body });
  const text = await res.text();
  return violations({ api: c.api, status: res.status, contentType: res.headers.get('content-type') ?? '', text }, c.expected);
}

async function sendToFault(c: FaultCase, url: string): Promise<string[]> {
  const res = await fetch(`${url}${c.path}`, { method: 'POST', body: JSON.stringify({ model: 'fake-model', stream: c.stream }) });
  return violations({ api: c.api, status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() }, { outcome: 'ok', status: 200 });
}

/** Runs `jobs` with at most `limit` at a time; each result (or failure) lands under its name. */
async function runAll(jobs: Map<string, () => Promise<string[]>>, limit: number): Promise<Map<string, string[] | Error>> {
  const results = new Map<string, string[] | Error>();
  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const [name, run] = job;
      results.set(name, await run().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** Fails with every violation, one per line (an assertion diff would truncate them). */
function conforms(name: string): void {
  const found = results.get(name);
  if (found instanceof Error) throw found;
  if (!found) throw new Error(`case ${name} did not run`);
  if (found.length > 0) throw new Error(`${found.length} violation(s):\n${found.join('\n')}`);
  passed++;
}

const PROXY_CASES = proxyCases();
const FAKE_CASES = fakeCases();
let world: World | undefined;
let fault: FaultUpstream | undefined;
let results = new Map<string, string[] | Error>();
let passed = 0;

// Every case runs here, many at once (they wait on sockets, not on the CPU); the tests below only
// report each one's violations.
beforeAll(async () => {
  const validators = specValidators();
  for (const [spec, roots] of Object.entries(ROOTS)) for (const root of Object.values(roots)) validators.validate(spec as SpecName, root, {});
  const w = (world = await startWorld());
  const f = (fault = await new FaultUpstream().start());
  const jobs = new Map<string, () => Promise<string[]>>();
  for (const c of [...PROXY_CASES, ...FAKE_CASES]) jobs.set(c.name, () => send(c, w));
  for (const c of FAULT_CASES) jobs.set(c.name, () => sendToFault(c, f.url));
  if (jobs.size !== PROXY_CASES.length + FAKE_CASES.length + FAULT_CASES.length) throw new Error('two cases share a name');
  results = await runAll(jobs, 16);
}, 180_000);

afterAll(async () => {
  await world?.close();
  await fault?.close();
});

describe('the proxy conforms to the specs', () => {
  for (const c of PROXY_CASES) {
    it(c.name, () => conforms(c.name));
  }
});

describe('the fake upstreams conform to the specs', () => {
  for (const c of [...FAKE_CASES, ...FAULT_CASES]) it(c.name, () => conforms(c.name));
});

describe('the allow-list', () => {
  it('has a reason for every entry and no entry that no case needed', () => {
    const entries = [...ALLOWANCES, ...EXTRA_EVENTS];
    for (const e of entries) expect(e.reason.length, allowanceKey(e)).toBeGreaterThan(20);
    // Only meaningful when every case ran and passed (a filtered or failing run proves nothing).
    if (passed < PROXY_CASES.length + FAKE_CASES.length + FAULT_CASES.length) return;
    const unused = entries.map(allowanceKey).filter((k) => !specValidators().usedAllowances.has(k));
    expect(unused, 'allow-list entries no response needed').toEqual([]);
  });
});
