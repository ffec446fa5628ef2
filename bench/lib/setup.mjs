/**
 * What bench/run.mjs and bench/profile.mjs share: the temp dir (Codex auth.json, ccproxy config
 * files), request bodies for the workloads, and starting the built ccproxy with `ccproxy serve`.
 */
import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from './measure.mjs';
import { pythonJsonDumps } from './python-json.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BENCH = path.join(ROOT, 'bench');
export const CAPTURE = 'test/fixtures/captures/claude-code-2.1.331-interactive-messages.json';

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A Codex auth.json with a JWT access token (the real claim layout) valid for a day. */
export function codexAuth() {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { exp: Math.floor(Date.now() / 1000) + 86_400, 'https://api.openai.com/auth': { chatgpt_account_id: 'acct-bench' } };
  const jwt = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}.${enc('sig')}`;
  return JSON.stringify({ OPENAI_API_KEY: null, tokens: { id_token: jwt, access_token: jwt, refresh_token: 'bench-refresh', account_id: 'acct-bench' } });
}

/**
 * With `observability`, every observability plugin that runs in production is on as a user would
 * turn it on: access log file, usage database, /metrics, OTLP traces (to the fake upstream's
 * `/v1/traces`). The request tracer is left out: it is a debugging switch that writes every body.
 */
export function configToml({ port, upstream, tmp, detection, observability = false }) {
  const observed = observability
    ? [
        `[plugins.access_log]`, `path = "${path.join(tmp, `access-${port}.log`)}"`,
        `[plugins.usage]`, `path = "${path.join(tmp, `usage-${port}.db`)}"`,
        `[plugins.tracing]`, 'enabled = true', `endpoint = "${upstream}/v1/traces"`,
      ]
    : [];
  const plugins = observability ? '["claude_api", "codex", "access_log", "usage", "metrics", "tracing"]' : '["claude_api", "codex"]';
  return [
    `enabled_plugins = ${plugins}`,
    '[server]', `port = ${port}`,
    '[logging]', 'level = "warn"',
    '[plugins.claude_api]', `base_url = "${upstream}"`, 'auth_type = "api_key"', 'api_key = "sk-ant-bench-key"',
    '[plugins.claude_api.detection]', `enabled = ${detection}`, `cache_dir = "${path.join(tmp, 'cache')}"`,
    '[plugins.codex]', `base_url = "${upstream}/backend-api/codex"`, `credentials_file = "${path.join(tmp, 'auth.json')}"`,
    '[plugins.codex.detection]', `enabled = ${detection}`,
    ...observed,
    '',
  ].join('\n');
}

/** `dist`: the build to start (another build's dist/ for a before/after comparison). */
export async function startCcproxy(tmp, upstream, { detection = false, observability = false, profile, dist = path.join(ROOT, 'dist') } = {}) {
  const port = await freePort();
  const file = path.join(tmp, `ccproxy-${port}.toml`);
  writeFileSync(file, configToml({ port, upstream, tmp, detection, observability }));
  const args = [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), path.join(dist, 'cli/main.js'), 'serve', '--config', file];
  return startNode(args, { env: { HOME: tmp, XDG_CACHE_HOME: path.join(tmp, 'cache'), NODE_ENV: 'production' }, readyUrl: `http://127.0.0.1:${port}/health/ready` });
}


/**
 * Claude Code's interactive request a few turns into a session: the captured first turn (57 KB:
 * system prompt, 13 tools, the first user message) plus tool calls and their results (source
 * files, with the non-ASCII characters real code and prose carry) up to ≈ 85 KB.
 */
export function laterTurn(body, size = 85_000) {
  const messages = [...body.messages];
  const file = (n) => Array.from({ length: 30 }, (_, i) => `export function step${n}_${i}(x: number): number { return x * ${i} + ${n}; } // “step” ${i} — ok ✓`).join('\n');
  for (let n = 0; Buffer.byteLength(JSON.stringify({ ...body, messages })) < size; n++) {
    const id = `toolu_bench_${String(n).padStart(4, '0')}`;
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `Reading part ${n} of the module.` }, { type: 'tool_use', id, name: 'Read', input: { file_path: `/repo/src/step${n}.ts` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: file(n) }] });
  }
  return { ...body, messages };
}

/** Temp dir, bodies and workload table; `startCcproxy(upstream, opts)` bound to the temp dir. */
export async function prepare() {
  const tmp = path.join(BENCH, '.tmp');
  rmSync(path.join(tmp, 'cache'), { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'auth.json'), codexAuth(), { mode: 0o600 });
  // What Claude Code's interactive session sends (bench/capture-claude-interactive.mjs records it).
  const capture = JSON.parse(readFileSync(path.join(ROOT, CAPTURE), 'utf8'));
  const { convertRequest } = await import(path.join(ROOT, 'dist/formats/index.js'));
  const small = { model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'Say hello.' }] };
  const cc = laterTurn({ ...capture.body, stream: false });
  const ccChat = { ...convertRequest('anthropic', 'chat', cc, { model: 'claude-sonnet-4-6' }), model: 'claude-sonnet-4-6' };
  const J = (o) => JSON.stringify(o);
  const ccKb = `${Math.round(Buffer.byteLength(J(cc)) / 1000)} KB`;
  // What a Python client sends for the same request: json.dumps with its defaults.
  const ccPython = pythonJsonDumps(cc);
  // What the codex plugin sends the backend for that body: (5)'s direct client sends the same
  // conversation, so "added" is the proxy's work, not the upstream reading a larger body.
  const { shapeCodexRequest } = await import(path.join(ROOT, 'dist/plugins/codex/upstream-request.js'));
  const { FALLBACK_CODEX_BASE_PROMPT } = await import(path.join(ROOT, 'dist/plugins/codex/detection-fallback.js'));
  const ccResponses = shapeCodexRequest(convertRequest('anthropic', 'responses', { ...cc, stream: true }, { model: 'gpt-5.5' }), {
    basePrompt: FALLBACK_CODEX_BASE_PROMPT, model: 'gpt-5.5', effort: 'medium', reasoningSummary: 'auto',
  }).body;
  const workloads = [
    { id: 'w1', name: '(1) small /v1/messages, non-stream', stream: false, direct: ['/v1/messages', J(small)], ccproxy: ['/claude/v1/messages', J(small)], portkey: ['/v1/messages', J(small)], ccr: ['/v1/messages', J(small)], bare: ['/v1/messages', J(small)] },
    { id: 'w2', name: `(2) Claude Code body (${ccKb}), non-stream`, stream: false, direct: ['/v1/messages', J(cc)], ccproxy: ['/claude/v1/messages', J(cc)], portkey: ['/v1/messages', J(cc)], ccr: ['/v1/messages', J(cc)], bare: ['/v1/messages', J(cc)] },
    { id: 'w2p', name: `(2p) the same body as Python sends it (${Math.round(Buffer.byteLength(ccPython) / 1000)} KB, json.dumps defaults: ", " / ": ", \\uXXXX), non-stream`, stream: false, direct: ['/v1/messages', ccPython], ccproxy: ['/claude/v1/messages', ccPython], bare: ['/v1/messages', ccPython] },
    { id: 'w3', name: '(3) 50-delta stream passthrough', stream: true, direct: ['/v1/messages', J({ ...small, stream: true })], ccproxy: ['/claude/v1/messages', J({ ...small, stream: true })], portkey: ['/v1/messages', J({ ...small, stream: true })], ccr: ['/v1/messages', J({ ...small, stream: true })], bare: ['/v1/messages', J({ ...small, stream: true })] },
    // The floors forward the client's own body to the same upstream answer: what converting adds.
    { id: 'w4', name: '(4) Chat → Anthropic, Claude Code body, non-stream', stream: false, direct: ['/v1/messages', J(cc)], ccproxy: ['/claude/v1/chat/completions', J(ccChat)], portkey: ['/v1/chat/completions', J(ccChat)], bare: ['/v1/messages', J(ccChat)] },
    { id: 'w4s', name: '(4) Chat → Anthropic, Claude Code body, stream', stream: true, direct: ['/v1/messages', J({ ...cc, stream: true })], ccproxy: ['/claude/v1/chat/completions', J({ ...ccChat, stream: true })], portkey: ['/v1/chat/completions', J({ ...ccChat, stream: true })], bare: ['/v1/messages', J({ ...ccChat, stream: true })] },
    { id: 'w5', name: '(5) Anthropic → Responses (/codex/v1/messages), Claude Code body, stream', stream: true, direct: ['/backend-api/codex/responses', J(ccResponses)], ccproxy: ['/codex/v1/messages', J({ ...cc, stream: true })], ccr: ['/v1/messages', J({ ...cc, model: 'resp,gpt-5.5', stream: true })], bare: ['/backend-api/codex/responses', J({ ...cc, stream: true })] },
  ];
  // 500 concurrent 1-second streams (the fake upstream paces model `bench-slow`), per target.
  const slow = { ...small, model: 'bench-slow', stream: true };
  const streams500 = {
    ccproxy: ['/claude/v1/messages', J(slow)],
    portkey: ['/v1/messages', J(slow)],
    ccr: ['/v1/messages', J({ ...slow, model: 'anth,bench-slow' })],
  };
  return { tmp, small, workloads, streams500, startCcproxy: (upstream, opts) => startCcproxy(tmp, upstream, opts) };
}
