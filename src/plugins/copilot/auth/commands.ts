/**
 * `ccproxy auth login|status|logout copilot`. Login is GitHub's device flow: the person enters a
 * short code on github.com; the GitHub token is stored in copilot.json under the data dir (0600).
 * Status and logout read and change only that file; a token given by config or environment is
 * reported, never removed.
 */
import { openBrowser, type AuthCommandContext, type AuthStatusReport, type PluginAuthCommands } from '../../../plugin.js';
import { editorHeaders, type CopilotConfig } from '../config.js';
import { runDeviceFlow } from './device-flow.js';
import { credentialFile, resolveGitHubToken, storedToken } from './github-token.js';

async function login(ctx: AuthCommandContext<CopilotConfig>): Promise<void> {
  const { config, services } = ctx;
  const file = credentialFile(config, services.dataDir);
  const { oauth } = config;
  const result = await runDeviceFlow({
    deviceCodeUrl: oauth.device_code_url,
    tokenUrl: oauth.token_url,
    clientId: oauth.client_id,
    scope: oauth.scope,
    dispatcher: services.httpClient,
    headers: { 'user-agent': editorHeaders(config)['user-agent']! },
    print: ctx.print,
    ...(ctx.noBrowser ? {} : { openBrowser }),
  });
  await file.update((current) => ({ ...current, github_token: result.accessToken, obtained_at: new Date().toISOString() }));
  ctx.print(`Logged in to GitHub for Copilot; token saved to ${file.path}`);
}

async function status(ctx: AuthCommandContext<CopilotConfig>): Promise<AuthStatusReport> {
  const file = credentialFile(ctx.config, ctx.services.dataDir);
  let token;
  try {
    token = await resolveGitHubToken(ctx.config, ctx.services.env, file);
  } catch (err) {
    return { loggedIn: false, lines: [`Credentials file: ${file.path}`, `Unreadable: ${err instanceof Error ? err.message : String(err)}`] };
  }
  if (!token) return { loggedIn: false, lines: [`Credentials file: ${file.path}`, 'Not logged in: run `ccproxy auth login copilot`'] };
  const from = token.source === 'config' ? 'github_token in [plugins.copilot]' : token.source.startsWith('env:') ? `the ${token.source.slice(4)} variable` : token.source;
  return { loggedIn: true, lines: [`GitHub token: present (from ${from})`, 'Copilot API tokens are exchanged from it by the running proxy'] };
}

async function logout(ctx: AuthCommandContext<CopilotConfig>): Promise<void> {
  const file = credentialFile(ctx.config, ctx.services.dataDir);
  const had = storedToken(await file.read().catch(() => null));
  if (had) await file.remove();
  ctx.print(had ? `Logged out: removed ${file.path}` : `Not logged in: no GitHub token in ${file.path}`);
  if (ctx.config.github_token || ctx.services.env[ctx.config.github_token_env]) {
    ctx.print(`A GitHub token is still configured (github_token or ${ctx.config.github_token_env}); remove it there to stop using Copilot`);
  }
}

export const copilotAuthCommands: PluginAuthCommands<CopilotConfig> = {
  aliases: ['copilot', 'github-copilot'],
  login,
  status,
  logout,
};
