/**
 * Memory is bounded by the request, not by what clients sent before: 150 distinct 30 MB bodies in
 * sequence (each under the default 32 MB body_limit, Claude Code-shaped: a big system prompt, tool
 * list and conversation) through a proxy process, most on the native passthrough and every 30th
 * through a conversion (Chat → Anthropic, which parses and re-serializes all of it). Its RSS
 * stays under 600 MB throughout and it still answers /health/live afterwards. The bodies are
 * generated while they are sent (1 MB pieces, each tagged with its request and position), so the
 * test holds none of them; no timing is asserted.
 */
import { once } from 'node:events';
import { promises as fs, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, startProxyChild } from './children.js';
import { CLAUDE_KEY } from './helpers.js';
import { listenLoopback } from '../fakes/loopback.js';

afterEach(() => killChildren());

const BODIES = 150;
const PIECE = 1024 * 1024;
/** Pieces of each part: a 1 MB system prompt, 14 MB of tools, 15 MB of conversation (≈ 30 MB). */
const PIECES = { system: 1, tools: 14, user: 15 };
const RSS_LIMIT_MB = 600;

/** 1 MB of prompt-like text (JSON-string-safe as written: escapes included), the same every time. */
const FILLER = (() => {
  const line = 'Use the tools carefully — “quote” paths; never rm -rf /.\\n\\tIndented detail é ✓. ';
  return Buffer.from(line.repeat(Math.ceil(PIECE / Buffer.byteLength(line)))).subarray(0, PIECE - 64);
})();

/** One part's string content, piece by piece: a tag that makes every body distinct, then the filler. */
function* part(id: number, name: keyof typeof PIECES): Generator<Buffer> {
  for (let k = 0; k < PIECES[name]; k++) {
    yield Buffer.from(`[body ${id} ${name} ${k}] `);
    yield FILLER;
  }
}

/** A Messages body (or, for `chat`, a Chat Completions body) of ≈ 30 MB. */
function* body(id: number, chat: boolean): Generator<Buffer> {
  const s = (t: string): Buffer => Buffer.from(t);
  if (chat) {
    yield s('{"model":"claude-sonnet-4-6","stream":false,"messages":[{"role":"system","content":"');
    yield* part(id, 'system');
    yield s('"},{"role":"user","content":"');
    yield* part(id, 'user');
    yield s('"}],"tools":[{"type":"function","function":{"name":"Read","parameters":{"type":"object"},"description":"');
    yield* part(id, 'tools');
    yield s('"}}]}');
    return;
  }
  yield s('{"model":"claude-sonnet-4-6","max_tokens":64,"system":[{"type":"text","text":"');
  yield* part(id, 'system');
  yield s('"}],"tools":[{"name":"Read","input_schema":{"type":"object"},"description":"');
  yield* part(id, 'tools');
  yield s('"}],"messages":[{"role":"user","content":"');
  yield* part(id, 'user');
  yield s(`"}],"metadata":{"user_id":"client-${id}"}}`);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

describe('memory with many large distinct bodies', () => {
  it(`${BODIES} distinct 30 MB bodies: RSS stays under ${RSS_LIMIT_MB} MB and /health/live still answers`, async () => {
    // The upstream reads each body to the end (checking it got the whole thing) and answers.
    const received: number[] = [];
    const upstream = http.createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        received.push(bytes);
        const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(message));
      });
    });
    const upstreamUrl = await listenLoopback(upstream);
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-mem-'));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const proxy = await startProxyChild({
        server: { port: 0 }, logging: { level: 'silent' }, enabled_plugins: ['claude_api'],
        plugins: { claude_api: { base_url: upstreamUrl, auth_type: 'api_key', api_key: CLAUDE_KEY, detection: { enabled: false, cache_dir: path.join(home, 'cache') } } },
      }, home);
      const pid = proxy.child.pid!;
      let peak = rssMb(pid);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
      try {
        for (let id = 0; id < BODIES; id++) {
          const chat = id % 30 === 29;
          const req = http.request(`${proxy.url}/claude/v1/${chat ? 'chat/completions' : 'messages'}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } });
          const answered = once(req, 'response') as Promise<[http.IncomingMessage]>;
          let sent = 0;
          for (const piece of body(id, chat)) {
            sent += piece.length;
            if (!req.write(piece)) await once(req, 'drain');
          }
          req.end();
          const [res] = await answered;
          let text = '';
          for await (const c of res) text += String(c);
          expect(res.statusCode, `body ${id} (${sent} bytes): ${text.slice(0, 300)}`).toBe(200);
          expect(sent).toBeGreaterThan(30_000_000);
          peak = Math.max(peak, rssMb(pid));
        }
      } finally {
        clearInterval(sampler);
      }
      expect(received).toHaveLength(BODIES);
      expect(peak, `peak RSS ${peak.toFixed(0)} MB`).toBeLessThan(RSS_LIMIT_MB);
      const live = await fetch(`${proxy.url}/health/live`);
      expect(live.status).toBe(200);
    } finally {
      agent.destroy();
      upstream.close();
      await fs.rm(home, { recursive: true, force: true });
    }
  }, 600_000);
});
