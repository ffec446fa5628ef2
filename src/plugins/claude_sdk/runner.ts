/**
 * One CLI run: starts `query()` of the Agent SDK in streaming-input mode, pumps its messages
 * through the TurnMerger into a queue of Anthropic events, and owns the run's failure modes:
 * - first-chunk timeout (no model output yet) and idle timeout (CLI silent) → abort, clear error;
 * - client gone (request signal) or consumer stopped → abort, the SDK ends the CLI process;
 * - an error `result` or a crashed CLI → a ProxyError carrying the CLI's message / stderr tail.
 * `ready` settles once the client-visible message has started (or the run failed before it),
 * which is when the adapter commits the response. While the CLI waits for a person to approve a
 * tool call, neither timeout runs and `pulse` beats (the client's stream gets keep-alives).
 */
import type { PermissionResult, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { ProxyError, UpstreamError, kindForStatus } from '../../plugin.js';
import type { CliProcessRegistry, CliRun } from './cli-process.js';
import { launchCold, type CliLaunch, type CliSpec, type PermissionHandler, type WarmCli } from './cli-start.js';
import { Pulse } from './keepalive.js';
import { TurnMerger, type AnthropicEvent } from './merge.js';
import type { EffectiveOptions } from './options.js';
import type { SdkPrompt } from './prompt.js';
import type { SdkMessageMode } from './tool-activity.js';

export interface RunParams {
  plugin: string;
  prompt: SdkPrompt;
  options: EffectiveOptions;
  systemPromptMode: 'append' | 'replace';
  mode: SdkMessageMode;
  /** Executable for the SDK; undefined → the SDK's bundled binary. */
  cliPath?: string;
  env: Record<string, string | undefined>;
  resume?: string;
  signal: AbortSignal;
  registry: CliProcessRegistry;
  messageId: string;
  firstChunkMs: number;
  idleMs: number;
  /** A CLI started ahead for this spec (warm-pool.ts); else one is started now. */
  warm?: WarmCli;
  /** Who answers the CLI's permission prompts (with `askHost`). */
  permissions?: PermissionHandler;
}

/** What the CLI of a run is started with (the warm pool matches on it). */
export function cliSpecOf(p: Pick<RunParams, 'options' | 'prompt' | 'systemPromptMode' | 'cliPath' | 'env' | 'resume' | 'permissions'>): CliSpec {
  return { options: p.options, system: p.prompt.system, systemPromptMode: p.systemPromptMode, cliPath: p.cliPath, env: p.env, resume: p.resume, askHost: p.permissions !== undefined };
}

/** How long a CLI may keep running after its result before it is stopped. */
const LINGER_MS = 10_000;

/** Keep-alive period while a tool call waits for approval (well under common 30–60 s read timeouts). */
const KEEPALIVE_MS = 15_000;

/** Upstream statuses a retry cannot fix. */
const FINAL_STATUSES = new Set([400, 401, 403, 404, 413]);

type Item = { event: AnthropicEvent } | { error: ProxyError } | { end: true };

export class SdkRun {
  readonly merger: TurnMerger;
  /** Resolves when the message started (or ended); rejects when the run failed before that. */
  readonly ready: Promise<void>;
  /** Resolves when the CLI run is over (process ended); never rejects. */
  readonly done: Promise<void>;
  error?: ProxyError;
  /** Beats while a tool call waits for a person. */
  readonly pulse = new Pulse(KEEPALIVE_MS);
  /** The CLI once started; until then an abort is only remembered. */
  private launch?: CliLaunch;
  private aborted = false;
  private readonly items: Item[] = [];
  private wake?: () => void;
  private settleReady!: { resolve: () => void; reject: (e: ProxyError) => void };
  private timer?: NodeJS.Timeout;
  private gotOutput = false;
  private cliUp = false;
  private lastRetry?: string;
  /** Permission prompts being waited on. */
  private asking = 0;

  constructor(private readonly p: RunParams) {
    this.merger = new TurnMerger(p.mode, p.messageId, p.options.model ?? 'claude');
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined);
    this.done = this.pump();
  }

  /** The CLI's process record (pid, stderr tail, exit). */
  get cli(): CliRun {
    return this.launch?.cli ?? NO_CLI;
  }

  /** Tool calls needing approval wait for a person (and the client's stream gets keep-alives meanwhile). */
  get asksPermission(): boolean {
    return this.p.permissions !== undefined;
  }

  /** What the run's CLI was started with (the warm pool starts the next one like it). */
  get spec(): CliSpec {
    return cliSpecOf(this.p);
  }

  abort(): void {
    this.aborted = true;
    this.launch?.ac.abort();
  }

  /** The merged Anthropic events; throws the run's ProxyError after the events before it. */
  async *events(): AsyncGenerator<AnthropicEvent> {
    try {
      for (;;) {
        const item = this.items.shift();
        if (!item) {
          await new Promise<void>((r) => (this.wake = r));
          continue;
        }
        if ('event' in item) {
          yield item.event;
          // The message is complete: end the client's stream now, not when the CLI process exits.
          if (this.merger.finished && this.items.length === 0) return;
        } else if ('error' in item) throw item.error;
        else return;
      }
    } finally {
      // Consumer gone (client disconnected, stream closed): stop the CLI.
      if (!this.merger.finished || this.items.length > 0) this.abort();
    }
  }

  private emit(item: Item): void {
    this.items.push(item);
    if (item && 'event' in item) this.settleReady.resolve();
    else if ('error' in item) this.settleReady.reject(item.error);
    else this.settleReady.resolve();
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private fail(err: ProxyError): void {
    if (this.error) return;
    this.error = err;
    this.emit({ error: err });
  }

  private arm(ms: number, what: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const retrying = this.lastRetry ? ` (the CLI was retrying upstream errors: ${this.lastRetry})` : '';
      this.fail(new ProxyError('timeout', `Claude Code CLI ${what} within ${Math.round(ms / 1000)} s${retrying}; the request was stopped`, { plugin: this.p.plugin, code: 'CCPROXY_ERR_SDK_TIMEOUT' }));
      this.abort();
    }, ms);
  }

  private async pump(): Promise<void> {
    const onClientAbort = () => this.abort();
    this.p.signal.addEventListener('abort', onClientAbort, { once: true });
    if (this.p.signal.aborted) this.abort();
    // The first-chunk clock starts once the CLI is up; its start-up gets the longer of the two bounds.
    this.arm(Math.max(this.p.idleMs, this.p.firstChunkMs), 'did not start');
    try {
      this.launch = this.p.warm ?? (await launchCold(this.spec, this.p.registry));
      if (this.aborted) this.launch.ac.abort();
      const q = this.launch.run(this.input(), this.p.permissions && ((tool, input, opts) => this.askPermission(tool, input, opts)));
      for await (const msg of q) {
        this.onMessage(msg);
      }
      if (!this.merger.finished && !this.error) {
        this.fail(this.crashError('ended without a result'));
      }
    } catch (err) {
      // Our own abort (timeout already reported, consumer gone) and a crash after the result are not errors.
      if (!this.error && !this.aborted && !this.merger.finished) this.fail(this.crashError((err as Error).message));
    } finally {
      clearTimeout(this.timer);
      this.pulse.stop();
      this.p.signal.removeEventListener('abort', onClientAbort);
      if (!this.error) this.emit({ end: true });
    }
  }

  private onMessage(msg: SDKMessage): void {
    // After the result only the process exit is awaited; late chatter (suggestions…) is ignored.
    if (this.error || this.merger.finished) return;
    const output = msg.type === 'stream_event' || msg.type === 'assistant' || msg.type === 'result';
    if (output) this.gotOutput = true;
    // Before the first output only the first-chunk deadline counts (CLI chatter does not extend it).
    // Waiting for a person is not silence: the clock restarts once the decision is in.
    if (this.asking > 0) clearTimeout(this.timer);
    else if (this.gotOutput) this.arm(this.p.idleMs, 'was silent');
    else if (!this.cliUp) this.arm(this.p.firstChunkMs, 'produced no output');
    this.cliUp = true;
    if (msg.type === 'system' && msg.subtype === 'api_retry') this.lastRetry = `${msg.error_status ?? 'no status'} ${msg.error}`;
    if (msg.type === 'system' && msg.subtype === 'api_retry' && !this.merger.started && FINAL_STATUSES.has(msg.error_status ?? 0)) {
      // The CLI retries even errors that cannot heal (bad key, bad request): fail now, not after ~2 minutes of backoff.
      const status = msg.error_status ?? 502;
      this.fail(new UpstreamError(status, `Claude Code upstream error ${status}: ${msg.error}`, { plugin: this.p.plugin, kind: kindForStatus(status) }));
      this.abort();
      return;
    }
    for (const event of this.merger.push(msg)) this.emit({ event });
    if (msg.type !== 'result') return;
    clearTimeout(this.timer);
    if (msg.is_error && msg.subtype !== 'error_max_turns') {
      const text = msg.subtype === 'success' ? msg.result : msg.errors.join('; ') || msg.subtype;
      const status = msg.subtype === 'success' && msg.api_error_status ? msg.api_error_status : 502;
      this.fail(new UpstreamError(status, `Claude Code: ${text}`, { plugin: this.p.plugin, kind: kindForStatus(status) }));
      return;
    }
    for (const event of this.merger.finish()) this.emit({ event });
    // The CLI exits on its own once input is closed; if it lingers, stop it (silently: the answer is complete).
    this.timer = setTimeout(() => this.abort(), LINGER_MS);
  }

  /** One permission prompt: the timeouts pause and the client's stream gets keep-alives until it is answered. */
  private async askPermission(tool: string, input: Record<string, unknown>, opts: Parameters<PermissionHandler>[2]): Promise<PermissionResult> {
    this.asking++;
    clearTimeout(this.timer);
    this.pulse.start();
    try {
      // The run stopping for any reason (not only the client leaving) withdraws what it waits for.
      const signal = this.launch ? AbortSignal.any([opts.signal, this.launch.ac.signal]) : opts.signal;
      return await this.p.permissions!(tool, input, { ...opts, signal });
    } finally {
      if (--this.asking === 0) {
        this.pulse.stop();
        if (!this.error && !this.merger.finished) this.arm(this.p.idleMs, 'was silent');
      }
    }
  }

  private crashError(reason: string): ProxyError {
    const tail = this.cli.stderr.trim().split('\n').slice(-3).join(' | ');
    const exit = this.cli.exitCode != null ? ` (exit code ${this.cli.exitCode})` : '';
    return new ProxyError('api_error', `Claude Code CLI failed: ${reason}${exit}${tail ? `: ${tail}` : ''}`, {
      plugin: this.p.plugin,
      status: 502,
      code: 'CCPROXY_ERR_SDK_CLI',
    });
  }

  /** Streaming-input mode: one user message, then end of input (the CLI exits after its result). */
  private async *input(): AsyncGenerator<SDKUserMessage> {
    yield {
      type: 'user',
      message: { role: 'user', content: this.p.prompt.content as unknown as SDKUserMessage['message']['content'] },
      parent_tool_use_id: null,
    };
  }
}

const NO_CLI: CliRun = Object.freeze({ stderr: '' });
