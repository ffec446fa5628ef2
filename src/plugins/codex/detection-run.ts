/**
 * One detection run of the Codex CLI: `codex --version`, then `codex exec` against the core's
 * loopback capture server, each from a throwaway home (HOME, CODEX_HOME, TMPDIR, XDG dirs) whose
 * config.toml points a `model_providers` entry (with `env_key` and a dummy key) at the capture
 * server, removed afterwards.
 *
 * Safety: the CLI never sees the person's CODEX_HOME or HOME, so it can never run in ChatGPT mode
 * (which would open connections beyond loopback), never touches real credentials and writes
 * nothing into the person's ~/.codex.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { startCaptureServer, withIsolatedHome, runCli, type CapturedRequest } from '../../plugin.js';
import type { CodexDetection } from './detection-types.js';

const KEY_ENV = 'CCPROXY_DETECT_KEY';
/** Identity headers worth replaying upstream; per-session ones (ids, turn metadata) are not. */
const IDENTITY_HEADERS = ['originator', 'user-agent'];

/** `codex --version` → `0.169.0`, or null when the CLI is missing or says something else. */
/** `env`: the proxy's environment (services.env); its PATH finds `codex`. */
export async function codexVersion(cli: string, env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal): Promise<string | null> {
  if (signal?.aborted) return null;
  const res = await withIsolatedHome('codex-version', ({ dir, env: isolated }) => runCli({ command: cli, args: ['--version'], env: cliEnv(isolated, dir), cwd: dir, timeoutMs, signal }), env);
  if (res.spawnError || res.code !== 0) return null;
  const match = /(\d+\.\d+\.\d+(?:[-+][\w.]+)?)/.exec(res.stdout);
  return match?.[1] ?? null;
}

/** A complete, empty Responses turn so `codex exec` ends cleanly right after sending. */
function minimalReply(): string {
  const response = { id: 'resp_detect', object: 'response', created_at: 0, model: 'detect', status: 'completed', output: [], usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 } };
  const events = [
    { type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress' } },
    { type: 'response.completed', sequence_number: 1, response },
  ];
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
}

export interface CaptureOptions {
  cli: string;
  /**
   * Model the CLI is told to use. Base prompts are per model (GPT-5.5 and GPT-6 ones differ), so
   * detection asks for the model the proxy sends by default.
   */
  model?: string;
  /** The proxy's environment (services.env); its PATH finds `codex`. */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Run `codex exec` once and return the request it sent (credentials redacted). */
export async function captureCodexRequest(opts: CaptureOptions): Promise<CapturedRequest> {
  if (opts.signal?.aborted) throw new Error('detection aborted');
  const server = await startCaptureServer({
    reply: { headers: { 'content-type': 'text/event-stream' }, body: minimalReply() },
    match: (r) => r.method === 'POST' && r.url.endsWith('/responses'),
    // The ChatGPT account id identifies the user's account: never kept in a detection capture.
    secretHeaders: ['chatgpt-account-id'],
  });
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await withIsolatedHome('codex-detect', async ({ dir, env }) => {
      const codexHome = codexHomeIn(dir);
      const work = join(dir, 'work');
      await fs.mkdir(codexHome, { recursive: true });
      await fs.mkdir(work, { recursive: true });
      await fs.writeFile(join(codexHome, 'config.toml'), [
        'model_provider = "ccproxy_detect"',
        ...(opts.model ? [`model = ${JSON.stringify(opts.model)}`] : []),
        '[model_providers.ccproxy_detect]',
        'name = "ccproxy detection"',
        `base_url = "${server.url}/v1"`,
        `env_key = "${KEY_ENV}"`,
        'wire_api = "responses"',
        '',
      ].join('\n'));
      const run = runCli({
        command: opts.cli,
        args: ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', 'Reply with the word ok.'],
        env: { ...cliEnv(env, dir), [KEY_ENV]: 'ccproxy-detection-dummy-key' },
        cwd: work,
        timeoutMs: opts.timeoutMs,
        signal: stop.signal,
      });
      const result = await Promise.race([server.captured, run.then((r) => r)]);
      if ('method' in result) {
        // Got what we came for; let the CLI finish its turn briefly, then stop it.
        await Promise.race([run, new Promise((r) => setTimeout(r, 2000))]);
        return result;
      }
      const why = result.spawnError?.message ?? (result.timedOut ? 'timed out' : `exited with ${String(result.code)}: ${result.stderr.slice(-300)}`);
      throw new Error(`codex exec sent no request (${why})`);
    }, opts.env);
  } finally {
    stop.abort();
    opts.signal?.removeEventListener('abort', onAbort);
    await server.close();
  }
}

/** Headers + base prompt + model from a captured request. */
export function extractDetection(captured: CapturedRequest, version: string): CodexDetection {
  const body = (captured.body ?? {}) as Record<string, unknown>;
  const basePrompt = basePromptOf(body);
  if (!basePrompt) throw new Error('captured request carries no base prompt');
  const headers: Record<string, string> = {};
  for (const name of IDENTITY_HEADERS) {
    const v = captured.headers[name];
    if (v) headers[name] = v;
  }
  return {
    source: 'detected',
    version,
    headers,
    basePrompt,
    model: typeof body.model === 'string' ? body.model : 'gpt-5.5',
    detectedAt: new Date().toISOString(),
  };
}

/**
 * `instructions` when the CLI sends it (ChatGPT mode), else the first developer message's first
 * text part: Codex 0.169 against a custom provider sends its prompt there.
 */
export function basePromptOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.instructions === 'string' && body.instructions.trim()) return body.instructions;
  const input = Array.isArray(body.input) ? (body.input as Record<string, unknown>[]) : [];
  // Newer models lead with an `additional_tools` item (also role developer): skip to the message.
  const developer = input.find((i) => i.role === 'developer' && (i.type === undefined || i.type === 'message'));
  const content = developer?.content;
  if (typeof content === 'string') return content || undefined;
  if (!Array.isArray(content)) return undefined;
  const part = (content as Record<string, unknown>[]).find((p) => typeof p.text === 'string' && p.text);
  return part?.text as string | undefined;
}

/**
 * The isolated home's environment (no credentials, no proxy settings; TERM kept: the CLI puts the
 * terminal name in its user-agent), with a UTF-8 locale when none is set.
 */
/** Codex's directory inside the throwaway home (set explicitly, not left to Codex's default). */
function codexHomeIn(dir: string): string {
  return join(dir, '.codex');
}

function cliEnv(isolated: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  return { ...isolated, CODEX_HOME: codexHomeIn(dir), LANG: isolated.LANG ?? 'C.UTF-8' };
}
