/**
 * Shared setup for the reliability tests: the real runtime with the real claude_api (API-key mode)
 * and codex plugins, both pointed at one upstream (a FaultUpstream by default), isolated HOME and
 * caches; plus small HTTP helpers that read whole responses and a leak check.
 */
import { promises as fs } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Agent } from 'undici';
import type { DestinationStream } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { startProxy, type RunningProxy } from '../../src/core/runtime.js';
import { httpContextOf } from '../../src/core/http/context.js';
import { accessToken, makeCodexHome, type CodexHome } from '../plugins/codex/helpers.js';
import { FaultUpstream } from '../fakes/fault-upstream.js';

export const CLAUDE_KEY = 'sk-ant-api03-reliability-FAKE-KEY-0001';

export interface TestProxy {
  proxy: RunningProxy;
  codexHome: CodexHome;
  dir: string;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /** Core settings merged over the defaults (e.g. `{ http: { body_timeout: 0.5 } }`). */
  core?: Record<string, unknown>;
  claude?: Record<string, unknown>;
  codex?: Record<string, unknown>;
  /** Also load the openai plugin with the section this returns for the upstream's URL. */
  openai?: (upstreamUrl: string) => Record<string, unknown>;
  /** More plugin sections (e.g. `claude_sdk`); list the plugin in `core.enabled_plugins` too. */
  extraPlugins?: Record<string, Record<string, unknown>>;
  logDestination?: DestinationStream;
  level?: string;
  /** Runs after the temp CODEX_HOME exists, before the proxy starts (e.g. to corrupt auth.json). */
  beforeStart?: (codexHome: CodexHome) => Promise<void>;
}

/** claude_api (api key) and codex, both talking to `upstreamUrl`. */
export async function startTestProxy(upstreamUrl: string, opts: TestProxyOptions = {}): Promise<TestProxy> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-rel-'));
  const codexHome = await makeCodexHome({ access: accessToken(3600) });
  await opts.beforeStart?.(codexHome);
  const proxy = await startProxy({
    env: { HOME: dir, XDG_CACHE_HOME: path.join(dir, 'cache') },
    logDestination: opts.logDestination,
    overrides: {
      server: { port: 0 },
      logging: { level: opts.level ?? 'silent' },
      enabled_plugins: opts.openai ? ['claude_api', 'codex', 'openai'] : ['claude_api', 'codex'],
      ...opts.core,
      plugins: {
        claude_api: {
          base_url: upstreamUrl,
          auth_type: 'api_key',
          api_key: CLAUDE_KEY,
          detection: { enabled: false, cache_dir: path.join(dir, 'cache') },
          ...opts.claude,
        },
        codex: {
          base_url: `${upstreamUrl}/backend-api/codex`,
          credentials_file: codexHome.authFile,
          detection: { enabled: false },
          ...opts.codex,
        },
        ...(opts.openai ? { openai: opts.openai(upstreamUrl) } : {}),
        ...opts.extraPlugins,
      },
    },
  });
  return {
    proxy, codexHome, dir,
    close: async () => {
      await proxy.close();
      await codexHome.cleanup();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The openai plugin's section for `opts.openai`: the default instance on a Chat Completions
 * upstream, `/openai/resp` on a Responses one, both at `upstreamUrl/v1` with a fake key.
 */
export const openaiOnBothFormats = (upstreamUrl: string): Record<string, unknown> => ({
  base_url: `${upstreamUrl}/v1`,
  api_key: 'sk-openai-fake',
  providers: { resp: { base_url: `${upstreamUrl}/v1`, api_key: 'sk-openai-fake', upstream_format: 'responses' } },
});

/** A FaultUpstream and a test proxy in front of it, as `useFaultProxy` hands them to the tests. */
export interface FaultProxy {
  readonly upstream: FaultUpstream;
  readonly proxy: RunningProxy;
  readonly codexHome: CodexHome;
}

/**
 * Registers beforeAll/afterAll for the current file (or describe block): starts a FaultUpstream and
 * `startTestProxy(upstream.url, opts)` in front of it, and closes both afterwards. The returned
 * object's fields are live once beforeAll has run; reading them earlier throws.
 */
export function useFaultProxy(opts: TestProxyOptions = {}): FaultProxy {
  let upstream: FaultUpstream | undefined;
  let test: TestProxy | undefined;
  beforeAll(async () => {
    upstream = await new FaultUpstream().start();
    test = await startTestProxy(upstream.url, opts);
  });
  afterAll(async () => {
    await test?.close();
    await upstream?.close();
  });
  const started = (): { upstream: FaultUpstream; test: TestProxy } => {
    if (!upstream || !test) throw new Error('useFaultProxy: read before its beforeAll ran');
    return { upstream, test };
  };
  return {
    get upstream() { return started().upstream; },
    get proxy() { return started().test.proxy; },
    get codexHome() { return started().test.codexHome; },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** POST JSON (or raw bytes) and read the whole answer; never throws on a clean close. */
export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const req = httpRequest(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

export const anthropicBody = (stream: boolean, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'claude-sonnet-4-6', max_tokens: 64, stream, messages: [{ role: 'user', content: 'hi' }], ...extra,
});
export const chatBody = (stream: boolean): Record<string, unknown> => ({
  model: 'claude-sonnet-4-6', stream, messages: [{ role: 'user', content: 'hi' }],
});

/** SSE `data:` payloads of a stream body, parsed where they are JSON. */
export function sseData(body: string): unknown[] {
  const out: unknown[] = [];
  for (const block of body.split(/\n\n/)) {
    const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
    if (!data) continue;
    try {
      out.push(JSON.parse(data));
    } catch {
      out.push(data);
    }
  }
  return out;
}

/** How long a test waits for something that should happen: a bound for a hang, never a deadline to race. */
export const WAIT_MS = 60_000;

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Upstream requests the proxy still has in flight, and sockets it holds busy (not idle keep-alive). */
export function upstreamUsage(proxy: RunningProxy): { running: number; pending: number; busy: number } {
  const stats = (proxy.services.httpClient as Agent).stats ?? {};
  let running = 0;
  let pending = 0;
  let busy = 0;
  for (const s of Object.values(stats)) {
    const st = s as { running?: number; pending?: number; connected?: number; free?: number };
    running += st.running ?? 0;
    pending += st.pending ?? 0;
    busy += (st.connected ?? 0) - (st.free ?? 0);
  }
  return { running, pending, busy };
}

/** Nothing in flight anywhere: proxy requests, undici requests/busy sockets, upstream responses. */
export async function expectQuiet(proxy: RunningProxy, upstream: { activeRequests: number }): Promise<void> {
  const inflight = httpContextOf(proxy.app).inflight;
  await waitFor(() => {
    const u = upstreamUsage(proxy);
    return inflight.size === 0 && u.running === 0 && u.pending === 0 && u.busy <= 0 && upstream.activeRequests === 0;
  }, `quiet (inflight=${inflight.size}, upstream active=${upstream.activeRequests}, agent=${JSON.stringify(upstreamUsage(proxy))})`);
}
