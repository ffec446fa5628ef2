/**
 * Structural fuzzing of every POST route: each provider's (claude_api, claude_sdk, codex, openai)
 * and the root routes. Bodies are valid requests of the route's API with one spot replaced by
 * something of the wrong structure (null, another JSON type, an array where an object belongs,
 * deep nesting, numbers JSON.parse reads as Infinity or -0, lone surrogates), or whole JSON texts
 * of any shape. Whatever arrives, the answer is a success or a well-formed error in the route's
 * format, and never a 500: every such request is the client's fault (4xx) or, at worst, an
 * upstream's (502/503).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { credentials } from '../plugins/claude_api/harness.js';
import { frame, pathsOf, validAnswer, withValueAt, type Json, type UpstreamApi } from '../fakes/malformed-answers.js';
import { openaiOnBothFormats, post, type Reply, useFaultProxy } from './helpers.js';

// claude_api on OAuth credentials: its native route then edits the system prompt (identity line).
const credDir = mkdtempSync(path.join(os.tmpdir(), 'ccproxy-fuzz-'));
const credFile = path.join(credDir, '.credentials.json');
writeFileSync(credFile, JSON.stringify(credentials()), { mode: 0o600 });
afterAll(() => rmSync(credDir, { recursive: true, force: true }));

const t = useFaultProxy({
  claude: { auth_type: 'oauth', api_key: undefined, credentials_file: credFile },
  core: {
    enabled_plugins: ['claude_api', 'claude_sdk', 'codex', 'openai'],
    routing: { default: 'codex' },
  },
  openai: openaiOnBothFormats,
  // No CLI: a valid request is a 503, the rest must still be refused cleanly.
  extraPlugins: { claude_sdk: { cli_path: '/nonexistent/claude', prewarm: false } },
});

type ClientApi = 'anthropic' | 'chat' | 'responses';
const apiOf = (path: string): ClientApi => (path.includes('/messages') ? 'anthropic' : path.endsWith('/chat/completions') ? 'chat' : 'responses');

const VALID: Record<ClientApi, Json> = {
  anthropic: {
    model: 'claude-sonnet-4-6', max_tokens: 64, stream: false,
    system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
    ],
    tools: [{ name: 'f', input_schema: { type: 'object', properties: {} } }],
    thinking: { type: 'enabled', budget_tokens: 1024 },
    metadata: { user_id: 'u' },
  },
  chat: {
    model: 'gpt-5.5', stream: false, max_tokens: 64,
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ],
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    stream_options: { include_usage: true },
  },
  responses: {
    model: 'gpt-5.5', stream: false, instructions: 'be brief', max_output_tokens: 64,
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
    ],
    tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
    reasoning: { effort: 'low' },
  },
};

/** Raw JSON tokens a parser must cope with (JSON.stringify cannot write some of them). */
const RAW_TOKENS = ['1e400', '-1e400', '-0', '1e-400', '9007199254740993', '"\\ud800"', '"\\u0000"', '""', '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]'];

/** A JSON value of any structure, as text; `raw` tokens included. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false', '0', '5', '-1', '0.5', ...RAW_TOKENS),
    fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    fc.array(tie('value'), { maxLength: 3 }).map((a) => `[${a.join(',')}]`),
    fc.array(fc.tuple(fc.constantFrom('type', 'text', 'role', 'content', 'x', 'input', 'name', 'id'), tie('value')), { maxLength: 3 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** A valid body of `api` with one spot replaced by `replacement` (JSON text). */
function mutated(api: ClientApi, pick: number, replacement: string, stream: boolean): string {
  const base = withValueAt(VALID[api], ['stream'], stream);
  const paths = pathsOf(base).filter((p) => p.length > 0);
  const path = paths[pick % paths.length]!;
  const marker = '"__REPLACED__"';
  return JSON.stringify(withValueAt(base, path, '__REPLACED__')).replace(marker, replacement);
}

/** What the fake upstream answers: a valid answer of the API and mode it was asked in. */
function answerFor(url: string, body: Record<string, unknown>): { body: string; contentType: string } {
  if (url.includes('count_tokens')) return { body: '{"input_tokens":5}', contentType: 'application/json' };
  const api: UpstreamApi = url.endsWith('/messages') ? 'anthropic' : url.endsWith('/chat/completions') ? 'chat' : 'responses';
  const stream = url.includes('/backend-api/codex') || body.stream === true;
  return frame(api, stream, validAnswer(api, stream, 'm'));
}

function problemWith(path: string, r: Reply): string | undefined {
  if (r.status === 500 || r.status === 0) return `status ${r.status}: ${r.body.slice(0, 300)}`;
  if (r.status < 400) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    return `${r.status} body is not JSON: ${r.body.slice(0, 200)}`;
  }
  const detail = parsed.error as { message?: unknown; type?: unknown } | undefined;
  if (typeof detail?.message !== 'string' || typeof detail.type !== 'string') return `${r.status} body is not an error: ${r.body.slice(0, 200)}`;
  if (apiOf(path) === 'anthropic' && parsed.type !== 'error') return `${r.status} body is not an Anthropic error: ${r.body.slice(0, 200)}`;
  return undefined;
}

describe('structural fuzzing of every POST route', () => {
  it('finds no 500 on any provider route or root route', async () => {
    t.upstream.fault = (req) => ({ kind: 'raw', ...answerFor(req.url, req.body) });
    const routes = t.proxy.registry.active().flatMap((r) => (r.routes ?? []).filter((s) => s.startsWith('POST ')).map((s) => s.slice(5)));
    const roots = ['/v1/messages', '/v1/messages/count_tokens', '/v1/chat/completions', '/v1/responses'];
    const all = [...new Set([...routes.filter((r) => !r.includes(':')), ...roots])];
    expect(all).toEqual(expect.arrayContaining([
      '/claude/v1/messages', '/claude/sdk/v1/messages', '/codex/v1/responses', '/openai/v1/chat/completions', '/openai/resp/v1/responses', ...roots,
    ]));

    const body = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.nat(), jsonText, fc.boolean()) },
      { weight: 1, arbitrary: jsonText },
    );
    const problems: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), body, async (path, b) => {
        const text = typeof b === 'string' ? b : mutated(apiOf(path), b[0], b[1], b[2]);
        const r = await post(`${t.proxy.url}${path}`, text);
        const problem = problemWith(path, r);
        if (problem) problems.push(`${path} ${text.slice(0, 300)} → ${problem}`);
        return problem === undefined;
      }),
      { numRuns: 300 },
    ).catch((err: unknown) => {
      // A failed property is reported below with what the client got; anything else as it is.
      if (problems.length === 0) throw err;
    });
    expect(problems.slice(0, 10)).toEqual([]);
  }, 300_000);

  it('the cases the fuzzing is after, on every route', async () => {
    const cases = [
      (api: ClientApi) => mutatedAt(api, ['system'], '[null]'),
      (api: ClientApi) => mutatedAt(api, ['messages'], '[null]'),
      (api: ClientApi) => mutatedAt(api, ['input'], '[[]]'),
      (api: ClientApi) => mutatedAt(api, ['max_tokens'], '1e400'),
      (api: ClientApi) => mutatedAt(api, ['tools'], '[[{}]]'),
      (api: ClientApi) => mutatedAt(api, ['model'], '-0'),
    ];
    const routes = t.proxy.registry.active().flatMap((r) => (r.routes ?? []).filter((s) => s.startsWith('POST ') && !s.includes(':')).map((s) => s.slice(5)));
    const problems: string[] = [];
    for (const path of [...routes, '/v1/messages', '/v1/messages/count_tokens', '/v1/chat/completions', '/v1/responses']) {
      for (const make of cases) {
        const text = make(apiOf(path));
        const problem = problemWith(path, await post(`${t.proxy.url}${path}`, text));
        if (problem) problems.push(`${path} ${text.slice(0, 200)} → ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

function mutatedAt(api: ClientApi, path: string[], replacement: string): string {
  const marker = '"__REPLACED__"';
  return JSON.stringify(withValueAt(VALID[api], path, '__REPLACED__')).replace(marker, replacement);
}
