/**
 * `node bench/capture-claude-interactive.mjs`: records the `/v1/messages` request the Claude Code
 * CLI sends from its interactive session (the one a developer works in: every built-in tool, the
 * full system prompt), which `claude -p` does not send. The CLI runs in a detached tmux session
 * against a loopback capture server, with a temp HOME that has onboarding, the API key and the
 * folder's trust already accepted, and non-essential traffic off; nothing leaves 127.0.0.1.
 * Writes test/fixtures/captures/claude-code-<version>-interactive-messages.json (method, url,
 * headers without the key, body). Needs tmux (Debian package `tmux`).
 */
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// The Claude Code binary the Agent SDK ships (its optional platform package).
const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve(`@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}/package.json`)), 'claude');
const KEY = 'sk-ant-api03-capture-0000000000000000000000000000000000000000';
const SESSION = `ccproxy-capture-${process.pid}`;

const sse = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
function answer(res, model) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_capture' });
  res.end([
    sse('message_start', { message: { id: 'msg_capture', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }),
    sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello.' } }),
    sse('content_block_stop', { index: 0 }),
    sse('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }),
    sse('message_stop', {}),
  ].join(''));
}

const seen = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'POST' && req.url.startsWith('/v1/messages') && !req.url.includes('count_tokens')) {
      const body = JSON.parse(raw);
      seen.push({ method: req.method, url: req.url, headers: { ...req.headers }, body });
      if (body.stream) return answer(res, body.model);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ id: 'msg_capture', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: 'Hello.' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 2 } }));
    }
    if (req.url.includes('count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"input_tokens":1}');
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"type":"error","error":{"type":"not_found_error","message":"not here"}}');
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const home = mkdtempSync(path.join(os.tmpdir(), 'ccproxy-capture-'));
const work = path.join(home, 'project');
mkdirSync(work);
writeFileSync(path.join(home, '.claude.json'), JSON.stringify({
  hasCompletedOnboarding: true,
  theme: 'dark',
  customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] },
  projects: { [work]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] } },
}));
const env = {
  PATH: process.env.PATH, HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8',
  ANTHROPIC_BASE_URL: base, ANTHROPIC_API_KEY: KEY,
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1',
};
const tmux = (...args) => execFileSync('tmux', args, { env, encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const withTools = () => seen.filter((s) => Array.isArray(s.body.tools) && s.body.tools.length > 0);

try {
  tmux('new-session', '-d', '-s', SESSION, '-x', '200', '-y', '50', '-c', work, CLI);
  // Wait for the prompt, then ask; Enter separately (a pasted newline is not a submit).
  await sleep(8000);
  tmux('send-keys', '-t', SESSION, '-l', 'Say hello.');
  await sleep(500);
  tmux('send-keys', '-t', SESSION, 'Enter');
  for (let i = 0; i < 60 && withTools().length === 0; i++) await sleep(500);
  const screen = tmux('capture-pane', '-p', '-t', SESSION);
  const main = withTools().sort((a, b) => JSON.stringify(b.body).length - JSON.stringify(a.body).length)[0];
  if (!main) throw new Error(`no /v1/messages request with tools arrived; the screen reads:\n${screen}`);
  const version = String(main.headers['user-agent'] ?? '').match(/claude-cli\/([\d.]+)/)?.[1] ?? 'unknown';
  for (const h of ['x-api-key', 'authorization', 'host', 'content-length', 'connection']) delete main.headers[h];
  const out = path.join(ROOT, `test/fixtures/captures/claude-code-${version}-interactive-messages.json`);
  writeFileSync(out, `${JSON.stringify(main, null, 2)}\n`);
  const bytes = Buffer.byteLength(JSON.stringify(main.body));
  console.log(`${out}: ${bytes} bytes, ${main.body.tools.length} tools, model ${main.body.model}`);
} finally {
  try { tmux('kill-session', '-t', SESSION); } catch { /* already gone */ }
  server.close();
  rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
