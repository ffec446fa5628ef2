/**
 * Effective CLI options for one request: the config, overlaid by the request's `sdk_options`
 * object for the keys `request_options` allows. Anything else a request tries to set is refused
 * (400 naming the option) so a client can never widen what the operator configured; a request may
 * never switch to `bypassPermissions` unless the config itself runs in it.
 */
import { z } from 'zod';
import { ValidationError } from '../../plugin.js';
import { McpServerSchema, PERMISSION_MODES, REQUEST_OPTION_NAMES, type ClaudeSdkConfig, type PermissionModeName } from './config.js';

export interface EffectiveOptions {
  model?: string;
  maxTurns?: number;
  allowedTools: string[];
  disallowedTools: string[];
  permissionMode: PermissionModeName;
  cwd?: string;
  mcpServers: Record<string, z.infer<typeof McpServerSchema>>;
  maxThinkingTokens?: number;
  appendSystemPrompt?: string;
}

const RequestOptionsSchema = z
  .object({
    model: z.string().min(1),
    max_turns: z.number().int().positive(),
    allowed_tools: z.array(z.string()),
    disallowed_tools: z.array(z.string()),
    permission_mode: z.enum(PERMISSION_MODES),
    cwd: z.string().min(1),
    mcp_servers: z.record(z.string(), McpServerSchema),
    max_thinking_tokens: z.number().int().nonnegative(),
    append_system_prompt: z.string(),
  })
  .partial();

/** Where a request carries its overrides: `sdk_options` in the JSON body. */
export const REQUEST_OPTIONS_FIELD = 'sdk_options';

function fail(message: string, param: string): never {
  throw new ValidationError(message, { param, code: 'CCPROXY_ERR_SDK_OPTION' });
}

export function resolveOptions(config: ClaudeSdkConfig, body: Record<string, unknown>, modelOverride?: string): EffectiveOptions {
  const raw = body[REQUEST_OPTIONS_FIELD];
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    fail(`${REQUEST_OPTIONS_FIELD} must be an object`, REQUEST_OPTIONS_FIELD);
  }
  const requested = (raw ?? {}) as Record<string, unknown>;
  const allowed = new Set<string>(config.request_options);
  for (const key of Object.keys(requested)) {
    if (!(REQUEST_OPTION_NAMES as readonly string[]).includes(key)) fail(`Unknown option ${REQUEST_OPTIONS_FIELD}.${key}`, `${REQUEST_OPTIONS_FIELD}.${key}`);
    if (!allowed.has(key)) fail(`Option ${REQUEST_OPTIONS_FIELD}.${key} is not allowed by this proxy (plugins.claude_sdk.request_options)`, `${REQUEST_OPTIONS_FIELD}.${key}`);
  }
  const parsed = RequestOptionsSchema.safeParse(requested);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = `${REQUEST_OPTIONS_FIELD}.${issue?.path.join('.') ?? ''}`;
    fail(`Invalid ${where}: ${issue?.message ?? 'bad value'}`, where);
  }
  const o = parsed.data;
  if (o.permission_mode === 'bypassPermissions' && config.permission_mode !== 'bypassPermissions') {
    fail(`${REQUEST_OPTIONS_FIELD}.permission_mode=bypassPermissions is refused unless configured`, `${REQUEST_OPTIONS_FIELD}.permission_mode`);
  }
  // The body's own `model` counts as a request option too: honored only when `model` is allowed.
  const bodyModel = typeof body.model === 'string' && body.model ? body.model : undefined;
  const model = modelOverride ?? o.model ?? (allowed.has('model') ? bodyModel : undefined) ?? config.model;
  return {
    model,
    maxTurns: o.max_turns ?? config.max_turns,
    allowedTools: o.allowed_tools ?? config.allowed_tools,
    disallowedTools: o.disallowed_tools ?? config.disallowed_tools,
    permissionMode: o.permission_mode ?? config.permission_mode,
    cwd: o.cwd ?? config.cwd,
    mcpServers: o.mcp_servers ?? config.mcp_servers,
    maxThinkingTokens: o.max_thinking_tokens ?? config.max_thinking_tokens,
    appendSystemPrompt: [config.append_system_prompt, o.append_system_prompt].filter(Boolean).join('\n\n') || undefined,
  };
}
