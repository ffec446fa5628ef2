/**
 * `ccproxy claude|codex [--via <provider>] [args…]`: make sure a ccproxy answers at the configured
 * address (reuse it, or start one in the background), then run the real CLI in this terminal
 * pointed at the chosen provider: stdio passed through, its exit code (or signal) ours. Claude
 * Code gets `ANTHROPIC_BASE_URL`; Codex gets `-c` settings on its command line, so the user's
 * `~/.codex/config.toml` is never touched.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { UsageError } from '../errors.js';
import { ensureService, serviceTarget } from '../service/service.js';

export type Client = 'claude' | 'codex';

interface ClientSpec {
  /** `--via` when none is given. */
  defaultVia: string;
  /** The route the client needs under the provider's base path. */
  endpoint: string;
  api: string;
  install: string;
}

const CLIENTS: Record<Client, ClientSpec> = {
  claude: { defaultVia: 'claude', endpoint: '/v1/messages', api: 'the Anthropic Messages API', install: 'npm install -g @anthropic-ai/claude-code' },
  codex: { defaultVia: 'codex', endpoint: '/v1/responses', api: 'the OpenAI Responses API', install: 'npm install -g @openai/codex' },
};

/** The key the client sends when the proxy needs none (the proxy replaces it either way). */
const PLACEHOLDER_KEY = 'ccproxy';
/** Codex's provider id for the proxy, and the variable its key is read from. */
const CODEX_PROVIDER = 'ccproxy';
const CODEX_KEY_VAR = 'CCPROXY_API_KEY';

export interface LaunchOptions {
  via?: string;
  config?: string;
}

export async function launch(client: Client, args: string[], opts: LaunchOptions): Promise<void> {
  const spec = CLIENTS[client];
  const target = await serviceTarget({ config: opts.config });
  const { url, started } = await ensureService(target);
  if (started) process.stderr.write(`ccproxy: started the proxy in the background (pid ${started.pid}) at ${url}; \`ccproxy stop\` stops it\n`);
  const base = `${url}${await providerPath(url, target.token, opts.via ?? spec.defaultVia, client)}`;
  const key = target.token ?? PLACEHOLDER_KEY;
  const run = client === 'claude' ? claudeRun(base, key, args) : codexRun(base, key, args);
  process.exitCode = await runInTerminal(client, run.args, run.env, spec.install);
}

export function claudeRun(base: string, key: string, args: string[]): { args: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = { ...process.env, ANTHROPIC_BASE_URL: base, ANTHROPIC_AUTH_TOKEN: key };
  // A key of the user's own would go to the proxy for nothing (and make Claude Code ask about it).
  delete env.ANTHROPIC_API_KEY;
  return { args, env };
}

export function codexRun(base: string, key: string, args: string[]): { args: string[]; env: NodeJS.ProcessEnv } {
  const setting = (name: string, value: string): string[] => ['-c', `model_providers.${CODEX_PROVIDER}.${name}=${JSON.stringify(value)}`];
  return {
    args: [
      '-c', `model_provider=${JSON.stringify(CODEX_PROVIDER)}`,
      ...setting('name', 'ccproxy'),
      ...setting('base_url', `${base}/v1`),
      ...setting('env_key', CODEX_KEY_VAR),
      ...setting('wire_api', 'responses'),
      ...args,
    ],
    env: { ...process.env, [CODEX_KEY_VAR]: key },
  };
}

interface PluginSummary {
  name: string;
  prefix?: string;
  state: string;
  routes?: string[];
}

/**
 * The base path `via` names, among the running proxy's active providers: a path (`claude/sdk`,
 * `openai/groq`), a plugin name (`claude_sdk`), or the last part of a prefix (`sdk`); it must
 * serve the route the client needs.
 */
export async function providerPath(url: string, token: string | undefined, via: string, client: Client): Promise<string> {
  const spec = CLIENTS[client];
  const res = await fetch(`${url}/plugins`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new UsageError(`${url}/plugins answered HTTP ${res.status}${res.status === 401 ? ' (is server.auth_token the same here as for the running proxy?)' : ''}`);
  const plugins = ((await res.json()) as { plugins: PluginSummary[] }).plugins.filter((p) => p.state === 'active' && p.prefix);
  const serves = (base: string): boolean => plugins.some((p) => p.routes?.includes(`POST ${base}${spec.endpoint}`));
  const wanted = via.replace(/^\/+|\/+$/g, '');
  const candidates = [
    `/${wanted}`,
    ...plugins.filter((p) => p.name === wanted).map((p) => p.prefix!),
    ...plugins.filter((p) => p.prefix!.split('/').at(-1) === wanted).map((p) => p.prefix!),
  ];
  const found = candidates.find(serves);
  if (found) return found;
  const usable = plugins.filter((p) => serves(p.prefix!)).map((p) => `${p.prefix!.slice(1)} (${p.name})`);
  throw new UsageError(`No active provider "${via}" serves ${spec.api} for ${client}. Use --via with one of: ${usable.join(', ') || 'none is active (see `ccproxy plugins list`)'}`);
}

/**
 * Runs the client with this terminal. Ctrl-C and Ctrl-\ reach it from the terminal directly (same
 * process group), so here they are only kept from ending us first; SIGTERM and SIGHUP sent to us
 * are passed on. Resolves with its exit code; when a signal ended it, we end by the same signal.
 */
function runInTerminal(command: string, args: string[], env: NodeJS.ProcessEnv, install: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
    const handlers: Array<[NodeJS.Signals, () => void]> = [
      ['SIGINT', () => undefined],
      ['SIGQUIT', () => undefined],
      ['SIGTERM', forward('SIGTERM')],
      ['SIGHUP', forward('SIGHUP')],
    ];
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = (): void => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      done();
      reject(err.code === 'ENOENT' ? new UsageError(`${command} is not on PATH; install it (${install}) and run this again`) : err);
    });
    child.once('exit', (code, signal) => {
      done();
      if (signal) {
        process.kill(process.pid, signal);
        resolve(128 + (constants.signals[signal] ?? 0));
      } else resolve(code ?? 1);
    });
  });
}
