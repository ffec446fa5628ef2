/**
 * Starting the Claude Code CLI for a run, cold (`query()` spawns it when the request is there) or
 * warm (the Agent SDK's `startup()` spawned it earlier and it has finished its initialize
 * handshake, so the request skips the ~0.3 s the CLI takes to load). Both give a CliLaunch: the
 * run's abort controller, its process record and how to start its query.
 */
import type { CanUseTool, McpServerConfig, Options, PermissionResult, Query, SDKUserMessage, WarmQuery } from '@anthropic-ai/claude-agent-sdk';
import type { CliProcessRegistry, CliRun } from './cli-process.js';
import type { EffectiveOptions } from './options.js';

/** Everything the CLI is started with; equal specs can share a warm CLI. */
export interface CliSpec {
  options: EffectiveOptions;
  /** The client's system prompt (on the CLI's command line, not in the message). */
  system: string;
  systemPromptMode: 'append' | 'replace';
  /** Executable for the SDK; undefined → the SDK's bundled binary. */
  cliPath?: string;
  env: Record<string, string | undefined>;
  resume?: string;
  /** The CLI asks the proxy (`canUseTool`) instead of denying what needs approval. */
  askHost: boolean;
}

/** Answers one of the CLI's permission prompts (see permissions/gate.ts). */
export type PermissionHandler = (tool: string, input: Record<string, unknown>, options: Parameters<CanUseTool>[2]) => Promise<PermissionResult>;

/**
 * Tools a person behind an API cannot use through allow/deny answers: Claude's questions to the
 * user, and plan mode's own switches. Without a prompt surface Claude Code does not offer them; with
 * one it does, so they are removed to keep the tool set the same either way.
 */
const NEEDS_A_DIALOG = ['AskUserQuestion', 'EnterPlanMode', 'ExitPlanMode'];

/**
 * Equal keys ⇔ a CLI started for one spec can serve the other. `env` is left out: it is the
 * plugin's configured environment over the proxy's own (services.env), the same for every request.
 */
export function specKey(spec: CliSpec): string {
  return JSON.stringify([spec.options, spec.system, spec.systemPromptMode, spec.cliPath ?? null, spec.resume ?? null, spec.askHost]);
}

export interface CliLaunch {
  /** Aborting it stops the CLI (the SDK closes its input, then kills it). */
  readonly ac: AbortController;
  readonly cli: CliRun;
  /** Starts the query with the run's input and, when the CLI asks the host, who answers its prompts (called once). */
  run(input: AsyncIterable<SDKUserMessage>, permissions?: PermissionHandler): Query;
}

/**
 * Where a CLI's permission prompts go: the handler of the run it serves. A warm CLI is started
 * (with its `canUseTool`) before that request exists, so the handler is filled in when a run claims it.
 */
interface PermissionSlot {
  handler?: PermissionHandler;
}

const UNCLAIMED: PermissionResult = { behavior: 'deny', message: 'No one can approve tool calls for this run.' };

// Loaded on first use: the SDK costs ~28 MB of RSS and startup time in every proxy otherwise.
const sdk = () => import('@anthropic-ai/claude-agent-sdk');

export async function launchCold(spec: CliSpec, registry: CliProcessRegistry): Promise<CliLaunch> {
  const { query } = await sdk();
  const ac = new AbortController();
  const cli: CliRun = { stderr: '' };
  const slot: PermissionSlot = {};
  const options = sdkOptions(spec, ac, cli, registry, slot);
  return {
    ac,
    cli,
    run: (input, permissions) => {
      slot.handler = permissions;
      return query({ prompt: input, options });
    },
  };
}

/** A CLI started ahead of the request it will serve. */
export class WarmCli implements CliLaunch {
  readonly ac = new AbortController();
  readonly cli: CliRun = { stderr: '' };
  private readonly slot: PermissionSlot = {};
  private warm?: WarmQuery;
  private claimed = false;

  private constructor(readonly key: string) {}

  /** Spawns the CLI and waits for its initialize handshake. */
  static async start(spec: CliSpec, registry: CliProcessRegistry, initializeTimeoutMs = 60_000): Promise<WarmCli> {
    const { startup } = await sdk();
    const w = new WarmCli(specKey(spec));
    w.warm = await startup({ options: sdkOptions(spec, w.ac, w.cli, registry, w.slot), initializeTimeoutMs });
    return w;
  }

  /** Not claimed, not closed, and its process still running. */
  get available(): boolean {
    return !this.claimed && !this.ac.signal.aborted && this.cli.exitCode === undefined && this.cli.signal === undefined;
  }

  run(input: AsyncIterable<SDKUserMessage>, permissions?: PermissionHandler): Query {
    this.claimed = true;
    this.slot.handler = permissions;
    return this.warm!.query(input);
  }

  /** Discard it unused (or stop it once claimed). */
  close(): void {
    if (!this.claimed) this.warm?.close();
    this.ac.abort();
  }
}

function sdkOptions(spec: CliSpec, ac: AbortController, cli: CliRun, registry: CliProcessRegistry, slot: PermissionSlot): Options {
  const o = spec.options;
  const system = spec.system;
  const append = [system, o.appendSystemPrompt].filter(Boolean).join('\n\n') || undefined;
  const systemPrompt: Options['systemPrompt'] =
    spec.systemPromptMode === 'replace' && system
      ? [system, o.appendSystemPrompt].filter(Boolean).join('\n\n')
      : { type: 'preset', preset: 'claude_code', ...(append ? { append } : {}) };
  const hasMcp = Object.keys(o.mcpServers).length > 0;
  // Without a person to ask (builtin_permissions off), anything needing approval is denied at once.
  const permissions: Options = spec.askHost ? askingOptions(o, slot) : { allowedTools: o.allowedTools, disallowedTools: o.disallowedTools, permissionPrompts: 'none' };
  return {
    ...permissions,
    abortController: ac,
    includePartialMessages: true,
    pathToClaudeCodeExecutable: spec.cliPath,
    env: spec.env,
    cwd: o.cwd,
    model: o.model,
    maxTurns: o.maxTurns,
    permissionMode: o.permissionMode,
    allowDangerouslySkipPermissions: o.permissionMode === 'bypassPermissions',
    ...(hasMcp ? { mcpServers: o.mcpServers as Record<string, McpServerConfig>, mcpServersDelivery: 'initialize' as const } : {}),
    maxThinkingTokens: o.maxThinkingTokens,
    systemPrompt,
    resume: spec.resume,
    spawnClaudeCodeProcess: registry.spawner(cli),
  };
}

/**
 * The CLI asks the proxy: its prompts go to the run's handler. The configured allow rules reach
 * it as `--settings` permission rules, the same rules Claude Code applies to `allowedTools`: as
 * `allowedTools` next to a `canUseTool`, the SDK warns on every request about each bare tool name.
 */
function askingOptions(o: EffectiveOptions, slot: PermissionSlot): Options {
  return {
    ...(o.allowedTools.length > 0 ? { settings: { permissions: { allow: o.allowedTools } } } : {}),
    disallowedTools: [...o.disallowedTools, ...NEEDS_A_DIALOG],
    permissionPrompts: 'host',
    canUseTool: async (tool, input, opts) => (slot.handler ? slot.handler(tool, input, opts) : UNCLAIMED),
  };
}
