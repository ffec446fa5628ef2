/**
 * Claude CLI detection: which version is installed, and the headers and system prompt it really
 * sends. Runs the CLI once against a loopback capture server (throwaway HOME and config dirs,
 * dummy key, non-essential traffic off, bounded time), in the background — startup never waits
 * for it, and the person's ~/.claude is never touched. Results are cached
 * per CLI version under `$XDG_CACHE_HOME/ccproxy/`; until (or unless) detection succeeds, the
 * shipped fallback is used.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BackgroundDetection, claudeBinaryPackages, findCli, startCaptureServer, runCli, withIsolatedHome, readDetectionCache, writeDetectionCache, withoutBillingLines, type CapturedRequest } from '../../plugin.js';
import { FALLBACK_DETECTION } from './detection-fallback.js';
import type { ClaudeDetectionData } from './detection-types.js';
import type { TextBlock } from './request-body.js';

export type { ClaudeDetectionData } from './detection-types.js';

export interface DetectorOptions {
  cliPath?: string;
  cacheDir: string;
  timeoutMs: number;
  logger?: Pick<Logger, 'debug' | 'info' | 'warn'>;
  /** The proxy's environment (services.env): its PATH is searched for the CLI, which runs with it. */
  env: NodeJS.ProcessEnv;
}

const CACHE_NAME = 'claude-cli-detection';
const KEEP_HEADER = /^(user-agent|x-app|x-stainless-.*|anthropic-version|anthropic-dangerous-direct-browser-access)$/;

export class ClaudeDetector extends BackgroundDetection<ClaudeDetectionData> {
  private data: ClaudeDetectionData = FALLBACK_DETECTION;
  /** Why the last detection fell back (CLI missing, timeout, ...). */
  lastError: string | null = null;
  lastCheckedAt: string | null = null;
  private readonly opts: DetectorOptions;

  constructor(opts: DetectorOptions) {
    super();
    this.opts = opts;
  }

  private get env(): NodeJS.ProcessEnv {
    return this.opts.env;
  }

  /** Current data: detected, cached, or fallback. Never blocks. */
  current(): ClaudeDetectionData {
    return this.data;
  }

  /** One run (refresh() starts or joins it): resolves with the data in use afterwards; never throws. */
  protected async detect(signal: AbortSignal): Promise<ClaudeDetectionData> {
    try {
      return await this.detectOnce(signal);
    } finally {
      this.lastCheckedAt = new Date().toISOString();
    }
  }

  private async detectOnce(signal: AbortSignal): Promise<ClaudeDetectionData> {
    if (signal.aborted) return this.data;
    const cli = findCli('claude', { configured: this.opts.cliPath, env: this.env, bundled: claudeBinaryPackages() })?.path;
    if (!cli) {
      this.lastError = 'Claude CLI not found (set plugins.claude_api.cli_path)';
      this.data = FALLBACK_DETECTION;
      return this.data;
    }
    const version = await cliVersion(cli, this.env, signal);
    if (!version) {
      this.lastError = `Could not read the version of ${cli}`;
      this.data = FALLBACK_DETECTION;
      return this.data;
    }
    if (this.data.source !== 'fallback' && this.data.version === version) return this.data;
    const cached = await readDetectionCache<ClaudeDetectionData>(this.opts.cacheDir, CACHE_NAME, version);
    if (cached && cached.version === version && cached.headers) {
      this.data = { ...cached, source: 'cache' };
      this.lastError = null;
      return this.data;
    }
    try {
      const captured = await captureCli(cli, this.env, this.opts.timeoutMs, signal);
      this.data = fromCapture(version, captured);
      this.lastError = null;
      await writeDetectionCache(this.opts.cacheDir, CACHE_NAME, version, this.data).catch((err: unknown) =>
        this.opts.logger?.warn({ err }, 'could not write the Claude CLI detection cache'),
      );
      this.opts.logger?.info({ version }, 'Claude CLI detected');
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      // Stopped at shutdown: nothing went wrong, and nothing may be logged after it.
      if (!signal.aborted) this.opts.logger?.warn({ error: this.lastError }, 'Claude CLI detection failed; using fallback headers');
      this.data = { ...FALLBACK_DETECTION, version };
    }
    return this.data;
  }
}

async function cliVersion(cli: string, base: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string | null> {
  return withIsolatedHome('claude-version', async ({ dir, env }) => {
    const r = await runCli({ command: cli, args: ['--version'], env: claudeEnv(env, dir), cwd: dir, timeoutMs: 15_000, signal });
    return /(\d+\.\d+\.\d+[\w.-]*)/.exec(r.stdout)?.[1] ?? null;
  }, base);
}

/** The isolated environment with Claude Code's own directory inside the throwaway home too. */
function claudeEnv(isolated: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  return { ...isolated, CLAUDE_CONFIG_DIR: join(dir, '.claude') };
}

/** The SSE stream the capture server answers with: a complete one-line assistant reply. */
export function minimalAnthropicSse(text: string, model = 'claude-detect'): string {
  const ev = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    ev('message_start', { message: { id: 'msg_detect', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } }),
    ev('message_stop', {}),
  ].join('');
}

async function captureCli(cli: string, base: NodeJS.ProcessEnv, timeoutMs: number, cancel: AbortSignal): Promise<CapturedRequest> {
  if (cancel.aborted) throw new Error('detection stopped');
  const isMain = (r: CapturedRequest): boolean => r.method === 'POST' && /^\/v1\/messages(\?|$)/.test(r.url) && !!(r.body as { system?: unknown } | undefined)?.system;
  const server = await startCaptureServer({
    match: isMain,
    reply: (r) =>
      r.url.includes('count_tokens')
        ? { body: '{"input_tokens":1}' }
        : /^\/v1\/messages/.test(r.url)
          ? { headers: { 'content-type': 'text/event-stream' }, body: minimalAnthropicSse('ok') }
          : { status: 404, body: '{"type":"error","error":{"type":"not_found_error","message":"not found"}}' },
  });
  const stop = new AbortController();
  const onCancel = (): void => stop.abort();
  cancel.addEventListener('abort', onCancel, { once: true });
  try {
    // HOME, CLAUDE_CONFIG_DIR and TMPDIR (per-project temp dirs) are a throwaway home: the CLI
    // writes `.claude.json` and backups as it starts, and must never write the person's.
    return await withIsolatedHome('claude-detect', async ({ dir, env }) => {
      const run = runCli({
        command: cli,
        args: ['-p', 'Reply with OK.'],
        cwd: dir,
        timeoutMs,
        signal: stop.signal,
        env: {
          ...claudeEnv(env, dir),
          ANTHROPIC_BASE_URL: server.url,
          ANTHROPIC_API_KEY: 'sk-ant-detect-dummy',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_AUTOUPDATER: '1',
          // If we vanish mid-run, the CLI must give up quickly instead of retrying a dead port.
          CLAUDE_CODE_MAX_RETRIES: '0',
          API_TIMEOUT_MS: String(timeoutMs),
        },
      });
      const outcome = await Promise.race([server.captured, run]);
      if ('headers' in outcome) {
        // The CLI got a complete reply and normally exits on its own; give it a moment, then end it.
        const grace = setTimeout(() => stop.abort(), 5000);
        await run;
        clearTimeout(grace);
        return outcome;
      }
      throw new Error(outcome.timedOut ? `Claude CLI sent nothing within ${(timeoutMs / 1000).toFixed(1)} s` : `Claude CLI exited (${outcome.code}) without calling the API: ${outcome.stderr.slice(0, 200)}`);
    }, base);
  } finally {
    cancel.removeEventListener('abort', onCancel);
    await server.close();
  }
}

export function fromCapture(version: string, captured: CapturedRequest): ClaudeDetectionData {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(captured.headers)) if (KEEP_HEADER.test(k)) headers[k] = v;
  const system = (captured.body as { system?: unknown } | undefined)?.system;
  const blocks: TextBlock[] = [];
  const list = typeof system === 'string' ? [{ type: 'text', text: system }] : Array.isArray(system) ? system : [];
  for (const b of list) {
    const text = (b as { text?: unknown }).text;
    if (typeof text !== 'string') continue;
    const kept = withoutBillingLines(text);
    if (kept.trim()) blocks.push({ type: 'text', text: kept });
  }
  return { version, source: 'detected', headers, systemPrompt: blocks.length ? blocks : FALLBACK_DETECTION.systemPrompt, detectedAt: new Date().toISOString() };
}
