/**
 * The `ccproxy` command tree. Only commander loads up front; each command imports what it needs
 * when it runs, so `ccproxy --help` and `ccproxy plugins list` start fast.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { readVersion } from './version.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}

const CONFIG_FLAG = ['-c, --config <file>', 'config file (default: $CCPROXY_CONFIG, ./.ccproxy.toml, ~/.config/ccproxy/config.toml)'] as const;
const DEBUG_FLAG = ['--debug', 'show stack traces on errors'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `setup` runs on the root before subcommands exist, so settings like exitOverride() reach them. */
export function buildProgram(setup?: (program: Command) => void): Command {
  const program = new Command('ccproxy')
    .description('Local plugin-based reverse proxy for Claude and ChatGPT subscriptions and OpenAI-compatible keys')
    .version(readVersion(), '-V, --version')
    .option(...CONFIG_FLAG)
    .option(...DEBUG_FLAG)
    // The launchers pass everything after their name to the CLI they run (`ccproxy codex -c …` is
    // Codex's -c): the root's options count only before the command name…
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)');
  setup?.(program);

  program.command('serve')
    .description('start the proxy')
    .option('--host <host>', 'interface to bind (server.host)')
    .option('-p, --port <port>', 'port to listen on (server.port)', parsePort)
    .addOption(new Option('--log-level <level>', 'log level (logging.level)').choices(LOG_LEVELS))
    .addOption(new Option('--pid-file <file>', 'record this process there once it listens (ccproxy start)').hideHelp())
    .action(async (opts: { host?: string; port?: number; logLevel?: string; pidFile?: string }, cmd: Command) => {
      const { serve } = await import('./commands/serve.js');
      await serve({ ...opts, config: cmd.optsWithGlobals<{ config?: string }>().config });
    });

  const plugins = program.command('plugins').description('list plugins and their settings');
  plugins.command('list')
    .description('every plugin found: name, version, prefix, state, source')
    .action(async (_opts: unknown, cmd: Command) => {
      const { pluginsList } = await import('./commands/plugins.js');
      await pluginsList(cmd.optsWithGlobals());
    });
  plugins.command('settings')
    .description('every config key of a plugin (or "core"): type, default, env var, description')
    .argument('<name>', 'plugin name, or "core" for the core settings')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const { pluginsSettings } = await import('./commands/plugins.js');
      await pluginsSettings(name, cmd.optsWithGlobals());
    });

  const config = program.command('config').description('show or create the config file');
  config.command('show')
    .description('effective configuration (secrets masked) and where each value came from')
    .action(async (_opts: unknown, cmd: Command) => {
      const { configShow } = await import('./commands/config-show.js');
      await configShow(cmd.optsWithGlobals());
    });
  config.command('init')
    .description('write a commented config file with every default')
    .argument('[path]', 'where to write (default: ~/.config/ccproxy/config.toml)')
    .option('-f, --force', 'overwrite an existing file')
    .action(async (path: string | undefined, _opts: unknown, cmd: Command) => {
      const { configInit } = await import('./commands/config-init.js');
      await configInit(path, cmd.optsWithGlobals());
    });

  const auth = program.command('auth').description('log in to a provider, check or remove its credentials');
  for (const action of ['login', 'status', 'logout'] as const) {
    const sub = auth.command(action)
      .description(`${action} for a provider (its plugin name or alias, e.g. claude, codex)`)
      .argument('<name>', 'plugin name or alias');
    if (action === 'login') sub.option('--no-browser', 'print the URL instead of opening a browser; paste the code back');
    sub.option('--account <account>', 'one account of a pool (stored under $XDG_DATA_HOME/ccproxy unless configured with a credentials_file)');
    sub.action(async (name: string, _opts: unknown, cmd: Command) => {
      const { authCommand } = await import('./commands/auth.js');
      await authCommand(action, name, cmd.optsWithGlobals());
    });
  }

  program.command('accounts')
    .description('list every account of every provider: plan, token expiry, state (from the running proxy) and requests in the current window; never a token')
    .option('--url <url>', 'the proxy (default: http://<server.host>:<server.port> from the config)')
    .action(async (_opts: unknown, cmd: Command) => {
      const { accountsCommand } = await import('./commands/accounts.js');
      await accountsCommand(cmd.optsWithGlobals());
    });

  program.command('usage')
    .description('tokens and API-equivalent cost the usage plugin recorded, as a table with totals')
    .option('--since <duration>', 'how far back: 30m, 24h, 7d, 2w', '7d')
    .option('--by <group>', 'one row per day, model, provider, client, api or account', 'day')
    .option('--provider <name>', 'only this provider')
    .option('--model <name>', 'only this model (a glob such as claude-* works)')
    .option('--client <name>', 'only this client program (e.g. claude-cli)')
    .action(async (opts: { since?: string; by?: string; provider?: string; model?: string; client?: string }, cmd: Command) => {
      const { usageCommand } = await import('./commands/usage.js');
      await usageCommand({ ...cmd.optsWithGlobals(), ...opts });
    });

  const trace = program.command('trace').description('read the request tracer\'s traces (plugins.request_tracer, off by default)');
  trace.command('list')
    .description('the newest traces: request id, time, provider, model, status, duration')
    .option('-n, --limit <count>', 'how many', (v: string) => Number(v), 50)
    .action(async (opts: { limit?: number }, cmd: Command) => {
      const { traceList } = await import('./commands/trace.js');
      await traceList({ ...cmd.optsWithGlobals(), ...opts });
    });
  trace.command('show')
    .description('one exchange: client request, each upstream request and response, client response (credentials redacted)')
    .argument('<id>', 'request id (from ccproxy trace list)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { traceShow } = await import('./commands/trace.js');
      await traceShow(id, cmd.optsWithGlobals());
    });

  program.command('permissions')
    .description('approve or deny, one key each, the tool calls a running proxy\'s agents ask permission for (claude_sdk builtin_permissions)')
    .option('--url <url>', 'the proxy (default: http://<server.host>:<server.port> from the config)')
    .action(async (opts: { url?: string }, cmd: Command) => {
      const { permissionsCommand } = await import('./commands/permissions.js');
      await permissionsCommand({ ...cmd.optsWithGlobals(), ...opts });
    });

  program.command('start')
    .description('start the proxy in the background (pid file and log in $XDG_STATE_HOME/ccproxy)')
    .option('--host <host>', 'interface to bind (server.host)')
    .option('-p, --port <port>', 'port to listen on (server.port)', parsePort)
    .addOption(new Option('--log-level <level>', 'log level (logging.level)').choices(LOG_LEVELS))
    .action(async (opts: { host?: string; port?: number; logLevel?: string }, cmd: Command) => {
      const { startCommand } = await import('./commands/service.js');
      await startCommand({ ...opts, config: cmd.optsWithGlobals<{ config?: string }>().config });
    });
  for (const [name, description] of [['stop', 'stop the background proxy'], ['status', 'is a proxy running (exit code 3 when not)']] as const) {
    program.command(name)
      .description(description)
      .option('--host <host>', 'where to look when no background proxy is recorded (server.host)')
      .option('-p, --port <port>', 'port to look at (server.port)', parsePort)
      .action(async (opts: { host?: string; port?: number }, cmd: Command) => {
        const { stopCommand, statusCommand } = await import('./commands/service.js');
        await (name === 'stop' ? stopCommand : statusCommand)({ ...opts, config: cmd.optsWithGlobals<{ config?: string }>().config });
      });
  }

  for (const [client, product] of [['claude', 'Claude Code'], ['codex', 'the Codex CLI']] as const) {
    program.command(client)
      .description(`run ${product} through the proxy (started in the background if none answers); other arguments go to ${client}`)
      .option('--via <provider>', `provider: claude, sdk, codex, openai, openai/<name> or a plugin name (default: ${client})`)
      .argument('[args...]', `arguments for ${client}`)
      // Everything from the first argument that is not --via on is the CLI's, --help included.
      .passThroughOptions()
      .allowUnknownOption()
      .helpOption(false)
      .action(async (args: string[], opts: { via?: string }, cmd: Command) => {
        const { launch } = await import('./commands/launch.js');
        await launch(client, args, { ...opts, config: cmd.optsWithGlobals<{ config?: string }>().config });
      });
  }

  // …so the other commands take them after their name too, as they always did.
  const addGlobals = (cmd: Command): void => {
    if (cmd.commands.length) return cmd.commands.forEach(addGlobals);
    if (cmd.name() === 'claude' || cmd.name() === 'codex') return;
    cmd.option(...CONFIG_FLAG).option(...DEBUG_FLAG);
  };
  program.commands.forEach(addGlobals);
  return program;
}
