/**
 * `ccproxy auth login|status|logout <name>`: dispatch to the plugin whose name or `auth.aliases`
 * match, with a minimal services object (its own undici Agent and a stderr logger).
 */
import { createInterface } from 'node:readline/promises';
import type { AuthCommandContext, PluginAuthCommands, PluginConfig } from '../../core/plugin.js';
import { UsageError } from '../errors.js';
import { findPlugin, loadContext, type GlobalOptions } from '../context.js';
import type { LoadedSettings } from '../../core/config/load.js';
import type { PluginRecord } from '../../core/loader/types.js';
import type { PoolState } from '../../core/pool/state.js';

export type AuthAction = 'login' | 'status' | 'logout';

/**
 * Ask one question on the terminal. Input that ends (EOF, a closed pipe) or Ctrl+C before an answer
 * is a failure with a message: left pending, the process would exit 0 with nothing said.
 */
export function prompt(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  const rl = createInterface({ input, output });
  const what = question.trim().replace(/:$/, '');
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on('close', () => {
      if (answered) return;
      output.write('\n');
      reject(new UsageError(`Nothing entered for "${what}": the input ended before an answer; login cancelled`));
    });
    rl.on('SIGINT', () => {
      rl.close();
    });
    rl.question(question).then((answer) => {
      answered = true;
      rl.close();
      resolve(answer.trim());
    }, () => undefined);
  });
}

export type AuthOptions = GlobalOptions & { browser?: boolean; account?: string };

/** The context a plugin's auth commands run with: its config, a small services object, the terminal. */
export async function authContext(record: PluginRecord, loaded: LoadedSettings, opts: AuthOptions): Promise<{ ctx: AuthCommandContext<PluginConfig>; close(): Promise<void> }> {
  const plugin = record.plugin!;
  const [{ resolvePluginConfig }, { Agent }, { default: pino }, { cacheDirFrom, dataDirFrom }, { VERSION }] = await Promise.all([
    import('../../core/config/load.js'),
    import('undici'),
    import('pino'),
    import('../../core/services-factory.js'),
    import('../../core/version.js'),
  ]);
  // A disabled plugin can still log in (record.config is only set for plugins that may start).
  const config = (record.config ?? resolvePluginConfig(plugin, loaded.settings.plugins[plugin.name] ?? {}, loaded)) as PluginConfig;
  const httpClient = new Agent({ connect: { timeout: loaded.settings.http.connect_timeout * 1000 } });
  const logger = pino({ level: opts.debug ? 'debug' : 'warn' }, pino.destination(2)).child({ plugin: plugin.name });
  const env = opts.env ?? process.env;
  // Accounts whose tokens live in Redis are logged in and listed there (the proxy's own settings).
  const state = loaded.settings.state.credentials_store === 'redis' ? await sharedState(loaded) : undefined;
  const ctx: AuthCommandContext<PluginConfig> = {
    config,
    services: { httpClient, logger, settings: loaded.settings, cacheDir: cacheDirFrom(env), dataDir: dataDirFrom(env), version: VERSION, env, ...(state ? { state } : {}) },
    print: (line) => process.stdout.write(`${line}\n`),
    prompt,
    noBrowser: opts.browser === false,
    ...(opts.account !== undefined ? { account: opts.account } : {}),
  };
  return {
    ctx,
    close: async () => {
      await state?.close();
      await httpClient.close().catch(() => httpClient.destroy());
    },
  };
}

/** The `[state]` Redis, connected (or refused: then a command that needs it says so). */
async function sharedState(loaded: LoadedSettings): Promise<PoolState> {
  const { createPoolState } = await import('../../core/pool/create-state.js');
  const state = createPoolState(loaded.settings.state);
  await state.ready?.();
  return state;
}

export async function authCommand(action: AuthAction, name: string, opts: AuthOptions): Promise<void> {
  const { loaded, records } = await loadContext(opts);
  const record = findPlugin(records, name);
  const plugin = record.plugin;
  // One config type for provider and non-provider plugins alike; each plugin reads its own keys.
  const auth = plugin?.auth as PluginAuthCommands<PluginConfig> | undefined;
  if (!plugin || !auth) {
    const withAuth = records.filter((r) => r.plugin?.auth).map((r) => r.name).join(', ') || 'none';
    throw new UsageError(`Plugin "${record.name}" has no login (plugins with one: ${withAuth})`);
  }
  if (opts.account !== undefined && !auth.accounts) throw new UsageError(`Plugin "${record.name}" has no accounts: log in without --account`);
  const { ctx, close } = await authContext(record, loaded, opts);
  try {
    if (action === 'status') {
      const report = await auth.status(ctx);
      for (const line of report.lines) ctx.print(line);
      if (!report.loggedIn) process.exitCode = 1;
    } else {
      await (action === 'login' ? auth.login(ctx) : auth.logout(ctx));
    }
  } finally {
    await close();
  }
}
