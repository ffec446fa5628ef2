/**
 * `[plugins.claude_sdk]`: how the Claude Code CLI is found, started and constrained.
 * Keys are snake_case as in the TOML file; every key says what it does (`ccproxy plugins settings claude_sdk`).
 * Defaults are the safe ones: permission mode `default` (a tool call that needs approval waits for a
 * person through `/permissions`, and is denied when nobody answers in time), no extra tools
 * allowed, and per-request overrides limited to options that cannot widen what the CLI may do.
 */
import { z } from 'zod';
import { ProviderConfigSchema } from '../../plugin.js';

export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'dontAsk', 'auto', 'bypassPermissions'] as const;
export type PermissionModeName = (typeof PERMISSION_MODES)[number];

/** Options a request may override (in its `sdk_options` object) when listed in `request_options`. */
export const REQUEST_OPTION_NAMES = [
  'model',
  'max_turns',
  'allowed_tools',
  'disallowed_tools',
  'permission_mode',
  'cwd',
  'mcp_servers',
  'max_thinking_tokens',
  'append_system_prompt',
] as const;
export type RequestOptionName = (typeof REQUEST_OPTION_NAMES)[number];

/** One MCP server as Claude Code takes it (stdio command, or an SSE/HTTP url). */
export const McpServerSchema = z.union([
  z.object({
    type: z.literal('stdio').optional(),
    command: z.string(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
  }),
  z.object({
    type: z.enum(['sse', 'http']),
    url: z.string(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
]);

export const ClaudeSdkConfigSchema = ProviderConfigSchema.extend({
  cli_path: z.string().optional().describe('Claude Code executable; default: `claude` on PATH, else the binary bundled with the Agent SDK').meta({ examples: ['/usr/local/bin/claude'] }),
  env: z.record(z.string(), z.string()).default({}).describe('Extra environment for the CLI process (e.g. ANTHROPIC_BASE_URL, HTTPS_PROXY, ANTHROPIC_API_KEY, HOME)'),
  model: z.string().optional().describe('Model the CLI uses when the request names none (or may not choose one)').meta({ examples: ['claude-sonnet-4-5'] }),
  max_turns: z.number().int().positive().optional().describe('Upper bound on agent turns (model calls) per request').meta({ examples: [20] }),
  allowed_tools: z.array(z.string()).default([]).describe('Tools the CLI may run without asking, e.g. ["Bash", "Read"] or ["Bash(git log:*)"]'),
  disallowed_tools: z.array(z.string()).default([]).describe('Tools removed from the CLI entirely'),
  permission_mode: z.enum(PERMISSION_MODES).default('default').describe('Claude Code permission mode; in "default" a tool call needing approval asks a person (builtin_permissions) or is denied. "bypassPermissions" lets the CLI run anything: only for sandboxes'),
  builtin_permissions: z.boolean().default(true).describe('Tool calls the CLI would ask about wait for a person\'s decision through /permissions (or `ccproxy permissions`); false: they are denied at once'),
  permission_timeout: z.number().positive().max(86_400).default(120).describe('Seconds a tool call waits for a decision before it is denied (the model is told why)'),
  cwd: z.string().optional().describe('Working directory of the CLI (its project: CLAUDE.md, .mcp.json, sessions); default: the proxy\'s cwd').meta({ examples: ['/path/to/project'] }),
  mcp_servers: z.record(z.string(), McpServerSchema).default({}).describe('MCP servers given to the CLI, by name'),
  max_thinking_tokens: z.number().int().nonnegative().optional().describe('Thinking budget for the CLI (0 disables thinking)').meta({ examples: [8000] }),
  append_system_prompt: z.string().optional().describe('Text appended to Claude Code\'s system prompt on every request').meta({ examples: ['Keep answers short.'] }),
  system_prompt_mode: z.enum(['append', 'replace']).default('append').describe('"append": the client\'s system prompt is appended to Claude Code\'s own; "replace": it replaces it'),
  sdk_message_mode: z.enum(['formatted', 'forward', 'ignore']).default('formatted').describe('How the CLI\'s own tool activity reaches the client: readable text blocks, raw JSON in text blocks, or not at all'),
  request_options: z.array(z.enum(REQUEST_OPTION_NAMES)).default(['model', 'max_turns', 'max_thinking_tokens']).describe('Options a request may set in its `sdk_options` object; any other is refused with 400'),
  max_sessions: z.number().int().positive().default(32).describe('Most client sessions kept at once; the least recently used idle one is dropped when full'),
  session_idle_ttl: z.number().positive().default(1800).describe('Seconds an unused session is kept'),
  session_cleanup_interval: z.number().positive().default(60).describe('Seconds between idle-session sweeps'),
  max_concurrent: z.number().int().positive().default(16).describe('CLI processes running at once; further requests wait'),
  first_chunk_timeout: z.number().positive().default(120).describe('Seconds from the CLI being up to the model\'s first output before giving up'),
  idle_timeout: z.number().positive().default(600).describe('Seconds of CLI silence (no message at all) after the first output before the request fails; start-up gets the longer of the two timeouts'),
  prewarm: z.boolean().default(true).describe('Keep one CLI started with the last request\'s options, so the next request like it skips the CLI start-up (~0.3 s); it holds one idle process'),
  prewarm_idle_timeout: z.number().positive().default(300).describe('Seconds an unused prewarmed CLI is kept before it is stopped'),
  detection_interval: z.number().positive().default(3600).describe('Seconds between CLI detection refreshes (version, login state)'),
  models: z.array(z.string()).default(['claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5']).describe('Model ids listed on /v1/models'),
});

export type ClaudeSdkConfig = z.infer<typeof ClaudeSdkConfigSchema>;
