/**
 * `ccproxy auth login|status|logout codex [--account <name>]`. Login is the Codex CLI's own flow
 * (PKCE, callback on `http://localhost:1455/auth/callback`). Without `--account` the resulting
 * auth.json is the one the CLI reads too; with it, the account's own file (its configured
 * credentials_file, else one ccproxy stores 0600 under the data dir), or its sealed entry in
 * Redis with `[state] credentials_store = "redis"`.
 */
import { AuthError, AccountNameSchema, accountServices, CredentialFile, credentialStoreFor, runOAuthLogin, requestTokens, type AccountInfo, type AuthCommandContext, type AuthStatusReport, type CredentialStore, type PluginAuthCommands } from '../../../plugin.js';
import { accountAuthFile, codexAccounts } from '../accounts.js';
import type { CodexConfig } from '../config.js';
import { fromIssued, parseCodexAuth, resolveAuthFile, withNewTokens, type AuthFileJson, type TokenResponse } from './credentials.js';

function fileOf(ctx: AuthCommandContext<CodexConfig>): CredentialStore<AuthFileJson> {
  const { config, account, services } = ctx;
  if (account === undefined) return new CredentialFile<AuthFileJson>({ path: resolveAuthFile(config.credentials_file, services.env) });
  if (!AccountNameSchema.safeParse(account).success) throw new AuthError(`Account names are letters, digits, \`_\`, \`.\` or \`-\`; got ${JSON.stringify(account)}`);
  const configured = config.accounts.find((a) => a.name === account);
  const file = new CredentialFile<AuthFileJson>({ path: accountAuthFile(configured ?? { name: account }, services.dataDir, services.env) });
  return services.state ? credentialStoreFor(services.settings.state, services.state, 'codex', account)(file) : file;
}

async function login(ctx: AuthCommandContext<CodexConfig>): Promise<void> {
  const { oauth } = ctx.config;
  const redirectUri = `http://localhost:${oauth.redirect_port}${oauth.redirect_path}`;
  const file = fileOf(ctx);
  const tokens = await runOAuthLogin<TokenResponse>({
    authorizeUrl: oauth.authorize_url,
    clientId: oauth.client_id,
    scopes: oauth.scopes,
    redirectUri,
    // Same extras the Codex CLI sends, so the id token carries the ChatGPT account claims.
    extraAuthorizeParams: { id_token_add_organizations: 'true', codex_cli_simplified_flow: 'true' },
    // OpenAI shows no code to copy: after login the browser goes to a localhost page (which may not
    // load when the browser runs elsewhere), whose address holds the code.
    manualInput: {
      instructions: 'Open this URL in a browser and log in. The browser then goes to a localhost address that may not load: copy that full address from the address bar and paste it here.',
      prompt: `Redirect URL (${redirectUri}?code=...): `,
    },
    noBrowser: ctx.noBrowser,
    print: ctx.print,
    prompt: ctx.prompt,
    exchange: async (code) => {
      const issued = await requestTokens({
        url: oauth.token_url,
        encoding: 'form',
        dispatcher: ctx.services.httpClient,
        params: {
          grant_type: 'authorization_code',
          code: code.code,
          redirect_uri: code.redirectUri,
          client_id: oauth.client_id,
          code_verifier: code.verifier,
        },
      });
      return fromIssued(issued);
    },
  });
  await file.update((current) => withNewTokens(current, tokens));
  const creds = parseCodexAuth(await file.read());
  const as = ctx.account !== undefined ? ` account ${ctx.account}` : '';
  ctx.print(`Logged in${as}${creds?.email ? ` as ${creds.email}` : ''}${creds?.planType ? ` (${creds.planType})` : ''}; credentials saved to ${file.path}`);
}

async function status(ctx: AuthCommandContext<CodexConfig>): Promise<AuthStatusReport> {
  const file = fileOf(ctx);
  let creds;
  try {
    creds = parseCodexAuth(await file.read());
  } catch (err) {
    return { loggedIn: false, lines: [`Credentials file: ${file.path}`, `Unreadable: ${err instanceof Error ? err.message : String(err)}`] };
  }
  if (!creds) {
    return { loggedIn: false, lines: [`Credentials file: ${file.path}`, 'Not logged in: run `ccproxy auth login codex` (or `codex login`)'] };
  }
  const lines = [`Credentials file: ${file.path}`];
  if (creds.email) lines.push(`Account: ${creds.email}`);
  if (creds.planType) lines.push(`Plan: ${creds.planType}`);
  lines.push(`ChatGPT account id: ${creds.accountId ? 'present' : 'MISSING (log in again)'}`);
  if (creds.expiresAt !== undefined) {
    const left = Math.round((creds.expiresAt - Date.now()) / 1000);
    lines.push(left > 0 ? `Access token expires in ${formatSeconds(left)} (${new Date(creds.expiresAt).toISOString()})` : `Access token expired ${formatSeconds(-left)} ago${creds.refreshToken ? ' (refreshed automatically on next use)' : ''}`);
  }
  lines.push(`Refresh token: ${creds.refreshToken ? 'present' : 'missing'}`);
  if (creds.lastRefresh) lines.push(`Last refresh: ${creds.lastRefresh}`);
  return { loggedIn: true, lines };
}

/** Remove our tokens; other fields (e.g. an OPENAI_API_KEY the person set) stay. */
async function logout(ctx: AuthCommandContext<CodexConfig>): Promise<void> {
  const file = fileOf(ctx);
  let removeWhole = false;
  let hadTokens = false;
  await file.update((current) => {
    if (!current?.tokens) return undefined;
    hadTokens = true;
    const { tokens: _t, last_refresh: _l, ...rest } = current;
    const meaningful = Object.entries(rest).filter(([k, v]) => !(k === 'OPENAI_API_KEY' && v === null) && !(k === 'auth_mode'));
    if (meaningful.length === 0) {
      removeWhole = true;
      return undefined;
    }
    return rest;
  });
  if (removeWhole) await file.remove();
  if (ctx.account !== undefined) {
    ctx.print(hadTokens ? `Removed account ${ctx.account} (${file.path})` : `Account ${ctx.account} holds no credentials; nothing to remove`);
    return;
  }
  ctx.print(hadTokens ? `Logged out: removed Codex tokens from ${file.path}` : `Not logged in: no Codex tokens in ${file.path}`);
}

/** Every account of the pool, with its plan and token expiry (read, never refreshed; no token shown). */
async function accounts(ctx: AuthCommandContext<CodexConfig>): Promise<AccountInfo[]> {
  const { services } = ctx;
  const members = await codexAccounts(ctx.config, accountServices(services, 'codex'));
  return Promise.all(members.map(async ({ name, value: tokens }): Promise<AccountInfo> => {
    const { credentials: c, error } = await tokens.inspect();
    if (error) return { name, problem: error };
    if (!c) return { name, problem: `no credentials in ${tokens.path}` };
    if (!c.accountId) return { name, problem: 'credentials carry no ChatGPT account id' };
    return { name, plan: c.planType ?? 'chatgpt', ...(c.expiresAt !== undefined ? { expiresAt: c.expiresAt } : {}) };
  }));
}

function formatSeconds(s: number): string {
  if (s >= 86400) return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}

export const codexAuthCommands: PluginAuthCommands<CodexConfig> = {
  aliases: ['codex', 'chatgpt', 'openai-chatgpt'],
  login,
  status,
  logout,
  accounts,
};
