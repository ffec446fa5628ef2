/**
 * The claude_sdk ProviderAdapter: one request = one Claude Code CLI run through the Agent SDK.
 *
 * Path of a request: client body (Anthropic, or Chat/Responses converted to Anthropic by the
 * formats layer) → options (config + allowed `sdk_options`) → session lock (when a session id is
 * given) → CLI concurrency permit → SdkRun (merged Anthropic events) → the client's API (formats
 * layer converts stream/response back for Chat and Responses). With builtin permissions, the
 * CLI's permission prompts go to the broker as pending approvals (permissions/).
 */
import { randomUUID } from 'node:crypto';
import { ProxyError, ValidationError, toProxyError, convertRequest, convertResponse, convertStream, estimatedTokenCount, serializeSseStream, validateRequest, type AdapterJsonResponse, type AdapterRequest, type AdapterResponse, type ApiFormat, type ModelAcceptance, type ModelInfo, type ProviderAdapter, type ConvertOptions, type JsonObject } from '../../plugin.js';
import type { CliProcessRegistry } from './cli-process.js';
import type { ClaudeSdkConfig, PermissionModeName } from './config.js';
import type { ClaudeDetectionService } from './detection.js';
import type { AnthropicEvent } from './merge.js';
import { KEEPALIVE_TEXT, withKeepAlive } from './keepalive.js';
import { REQUEST_OPTIONS_FIELD, resolveOptions, type EffectiveOptions } from './options.js';
import type { PermissionBroker } from './permissions/broker.js';
import { permissionGate } from './permissions/gate.js';
import { SessionRules } from './permissions/rules.js';
import { buildPrompt } from './prompt.js';
import { cliSpecOf, SdkRun, type RunParams } from './runner.js';
import { isValidSessionId, type SessionLease, type SessionPool } from './sessions.js';
import type { Semaphore } from './semaphore.js';
import type { WarmPool } from './warm-pool.js';

export interface AdapterDeps {
  plugin: string;
  config: ClaudeSdkConfig;
  detection: ClaudeDetectionService;
  sessions: SessionPool;
  limiter: Semaphore;
  registry: CliProcessRegistry;
  /** A CLI started ahead for the next request (undefined: prewarm off). */
  warm?: WarmPool;
  /** Where the CLI's permission prompts wait for a person (undefined: builtin_permissions off). */
  permissions?: PermissionBroker;
  /** Last failure, for health. */
  onError(err: ProxyError): void;
}

export const SESSION_HEADER = 'x-session-id';

/** Modes in which Claude Code asks before a tool call (the others allow or deny by themselves). */
const ASKING_MODES = new Set<PermissionModeName>(['default', 'acceptEdits', 'plan', 'auto']);

export class ClaudeSdkAdapter implements ProviderAdapter {
  readonly apis: readonly ApiFormat[] = ['anthropic', 'chat', 'responses'];
  /** Requests currently running a CLI. */
  running = 0;

  constructor(private readonly d: AdapterDeps) {}

  async listModels(): Promise<ModelInfo[]> {
    return this.d.config.models.map((id) => ({ id, ownedBy: 'anthropic', displayName: `${id} (Claude Code)` }));
  }

  /** The CLI takes Claude model names and its aliases as they are. */
  acceptsModel(model: string): ModelAcceptance | undefined {
    return /^(claude-|(opus|sonnet|haiku)(\[1m\])?$)/i.test(model.trim()) ? 'native' : undefined;
  }

  /** An estimate without starting a CLI: Claude Code clients ask before compacting. */
  async countTokens(req: AdapterRequest): Promise<AdapterJsonResponse> {
    return { kind: 'json', status: 200, body: estimatedTokenCount(req.body.value()) };
  }

  async handle(req: AdapterRequest): Promise<AdapterResponse> {
    // Every API becomes a CLI prompt: a body that is not its API's is refused before a CLI starts.
    const clientBody = req.body.value();
    validateRequest(req.api, clientBody);
    const sessionId = req.sessionId ?? headerValue(req.headers[SESSION_HEADER]);
    if (sessionId !== undefined && !isValidSessionId(sessionId)) {
      throw new ValidationError('Session id must be 1-128 characters of letters, digits, ".", "_", ":" or "-"', { param: SESSION_HEADER, plugin: this.d.plugin });
    }
    const options = resolveOptions(this.d.config, clientBody, req.modelOverride);
    const body = this.toAnthropic(req);
    buildPrompt(body, false); // validate the conversation before waiting for a session or a slot
    if (!this.d.detection.detection) await this.d.detection.refresh();
    const stream = req.body.get('stream') === true;
    const lease = sessionId ? await this.d.sessions.acquire(sessionId, req.signal) : undefined;
    let releaseSlot: (() => void) | undefined;
    let owned = false;
    try {
      releaseSlot = await this.d.limiter.acquire(req.signal);
      const t0 = Date.now();
      let run = await this.launch(req, body, options, lease, sessionId);
      let failure = await settle(run.ready);
      if (failure && lease?.session.cliSessionId && !req.signal.aborted) {
        // The CLI may no longer have this session (transcript gone, other cwd): start it over with the full history.
        await run.done;
        lease.session.cliSessionId = undefined;
        run = await this.launch(req, body, options, lease, sessionId);
        failure = await settle(run.ready);
      }
      // From here the run owns the slot and the session lock: released once the CLI process is gone,
      // so the next request on this session never overlaps a CLI that is still writing its transcript.
      owned = true;
      this.running++;
      const r = run;
      void r.done.then(() => {
        this.running--;
        if (lease && r.merger.result && !r.error && r.merger.cliSessionId) lease.session.cliSessionId = r.merger.cliSessionId;
        if (r.error) this.d.onError(r.error);
        releaseSlot?.();
        lease?.release();
        // The next request is most likely the same client with the same options: have its CLI
        // started by then. Only after a complete stateless run: a session's next request resumes
        // its own CLI session (another spec), and a cancelled or failed run says nothing about one.
        if (!lease && r.merger.result && !r.error) this.d.warm?.prepare(r.spec);
      });
      if (failure) throw failure;
      req.observer?.upstreamResponse(200, Date.now() - t0);
      return stream ? this.streamResponse(req, r) : await this.jsonResponse(req, r);
    } catch (err) {
      if (!owned) {
        releaseSlot?.();
        lease?.release();
        if (err instanceof ProxyError) this.d.onError(err);
      }
      throw err;
    }
  }

  /** Starts one CLI run, on a warm CLI when one was started for the same spec (its first output is awaited through `run.ready`). */
  private async launch(req: AdapterRequest, body: JsonObject, options: EffectiveOptions, lease: SessionLease | undefined, sessionId: string | undefined): Promise<SdkRun> {
    const det = this.d.detection.detection;
    if (!det?.cliPath) throw new ProxyError('api_error', det?.error ?? 'Claude Code CLI not found', { plugin: this.d.plugin, status: 503, code: 'CCPROXY_ERR_SDK_NO_CLI' });
    const resume = lease?.session.cliSessionId;
    const params: RunParams = {
      plugin: this.d.plugin,
      prompt: buildPrompt(body, resume !== undefined),
      options,
      systemPromptMode: this.d.config.system_prompt_mode,
      mode: this.d.config.sdk_message_mode,
      cliPath: det.source === 'bundled' ? undefined : det.cliPath,
      // The CLI's User-Agent names the app driving it.
      env: { CLAUDE_AGENT_SDK_CLIENT_APP: 'ccproxy', ...this.d.detection.cliEnv() },
      resume,
      signal: req.signal,
      registry: this.d.registry,
      messageId: `msg_sdk_${randomUUID().replace(/-/g, '')}`,
      firstChunkMs: this.d.config.first_chunk_timeout * 1000,
      idleMs: this.d.config.idle_timeout * 1000,
      permissions: this.d.permissions && ASKING_MODES.has(options.permissionMode)
        ? permissionGate({
            broker: this.d.permissions,
            // Without a session, "always for this session" lasts for this request's run.
            rules: lease?.session.rules ?? new SessionRules(),
            requestId: req.requestId,
            sessionId,
            api: req.api,
            userAgent: headerValue(req.headers['user-agent']),
            signal: req.signal,
          })
        : undefined,
    };
    const warm = resume === undefined ? await this.d.warm?.take(cliSpecOf(params)) : undefined;
    return new SdkRun(warm ? { ...params, warm } : params);
  }

  private toAnthropic(req: AdapterRequest): JsonObject {
    const { [REQUEST_OPTIONS_FIELD]: _ignored, ...body } = req.body.value();
    if (req.api === 'anthropic') return body;
    try {
      return convertRequest(req.api, 'anthropic', body);
    } catch (err) {
      if (err instanceof ProxyError) throw err;
      throw new ValidationError(`Could not read the ${req.api} request: ${(err as Error).message}`, { plugin: this.d.plugin });
    }
  }

  private streamResponse(req: AdapterRequest, run: SdkRun): AdapterResponse {
    const meter = req.observer?.meter('anthropic');
    const anthropic = meter ? meter.tap(run.events()) : run.events();
    // A run that fails mid-stream throws: the converters and the SSE writer end the stream with the API's error event.
    const events: AsyncIterable<Record<string, unknown>> = req.api === 'anthropic' ? anthropic : convertStream('anthropic', req.api, anthropic, convertOpts(req));
    const observed = serializeSseStream(req.api, events, { requestId: req.requestId });
    return {
      kind: 'stream',
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...sessionHeader(run) },
      events: run.asksPermission ? withKeepAlive(observed, run.pulse, KEEPALIVE_TEXT[req.api]) : observed,
    };
  }

  private async jsonResponse(req: AdapterRequest, run: SdkRun): Promise<AdapterResponse> {
    const drained: AnthropicEvent[] = [];
    for await (const e of run.events()) drained.push(e);
    const message = run.merger.message as unknown as JsonObject;
    req.observer?.meter('anthropic').response(message);
    const body = req.api === 'anthropic' ? message : convertResponse('anthropic', req.api, message, convertOpts(req));
    return { kind: 'json', status: 200, headers: sessionHeader(run), body };
  }
}

/** The client's own request lets the converters restore client-only shapes (e.g. Responses ids). */
function convertOpts(req: AdapterRequest): ConvertOptions {
  const body = req.body.value();
  const model = typeof body.model === 'string' ? body.model : undefined;
  return { clientRequest: body, ...(model ? { model } : {}) };
}

/** The error a promise rejects with, or undefined when it resolves. */
async function settle(p: Promise<void>): Promise<ProxyError | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return toProxyError(err);
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s ? s.trim() : undefined;
}

/** The CLI's own session id, for clients that want to inspect `~/.claude/projects`. */
function sessionHeader(run: SdkRun): Record<string, string> {
  return run.merger.cliSessionId ? { 'x-claude-session-id': run.merger.cliSessionId } : {};
}
