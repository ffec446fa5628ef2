/**
 * `ccproxy auth login|status|logout claude`. Login is OAuth 2.0 + PKCE against claude.ai (browser
 * with a loopback callback, or `--no-browser` with a pasted `code#state`), and the tokens are
 * written into the same file the Claude CLI uses, keeping whatever else it holds.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthError, AccountNameSchema, accountServices, CredentialFile, credentialStoreFor, runOAuthLogin, requestTokens, type AccountInfo, type AuthCommandContext, type AuthStatusReport, type PluginAuthCommands, type CredentialStore } from '../../../plugin.js';
import { accountConfig, claudeAccounts } from '../accounts.js';
import type { ClaudeApiConfig } from '../config.js';
import { OAUTH_KEY, applyOAuth, credentialsPath, extractOAuth, tokensFromResponse } from './credentials.js';

/**
 * The credentials file the command works on: with `--account`, that account's (its configured
 * credentials_file, else the one ccproxy stores for it under the data dir, never the CLI's own);
 * without, the single account's as before. With `[state] credentials_store = "redis"`, an account's
 * tokens go to (and come from) its sealed entry in Redis instead.
 */
function fileFor(ctx: AuthCommandContext<ClaudeApiConfig>): CredentialStore {
  const { config, account, services } = ctx;
  if (account === undefined) return new CredentialFile({ path: credentialsPath(config.credentials_file, ctx.services.env) });
  if (!AccountNameSchema.safeParse(account).success) throw new AuthError(`Account names are letters, digits, \`_\`, \`.\` or \`-\`; got ${JSON.stringify(account)}`);
  const configured = config.accounts.find((a) => a.name === account);
  if (configured?.api_key) throw new AuthError(`Account ${account} uses an API key (plugins.claude_api.accounts); there is nothing to log in to`);
  const file = new CredentialFile({ path: accountConfig(config, configured ?? { name: account }, services.dataDir).credentials_file! });
  return services.state ? credentialStoreFor(services.settings.state, services.state, 'claude_api', account)(file) : file;
}

export const claudeAuthCommands: PluginAuthCommands<ClaudeApiConfig> = {
  aliases: ['claude'],

  async login(ctx: AuthCommandContext<ClaudeApiConfig>): Promise<void> {
    const { config } = ctx;
    const file = fileFor(ctx);
    const tokens = await runOAuthLogin({
      authorizeUrl: config.oauth.authorize_url,
      clientId: config.oauth.client_id,
      scopes: config.oauth.scopes,
      redirectUri: config.oauth.redirect_uri,
      manualRedirectUri: config.oauth.manual_redirect_uri,
      // Claude's authorize page shows the code for pasting when asked to.
      extraAuthorizeParams: { code: 'true' },
      noBrowser: ctx.noBrowser,
      print: ctx.print,
      prompt: ctx.prompt,
      exchange: async (c) => {
        const issued = await requestTokens({
          url: config.oauth.token_url,
          encoding: 'json',
          dispatcher: ctx.services.httpClient,
          params: { grant_type: 'authorization_code', code: c.code, state: c.state, client_id: config.oauth.client_id, redirect_uri: c.redirectUri, code_verifier: c.verifier },
        });
        return tokensFromResponse(issued, null);
      },
    });
    await file.update((current) => applyOAuth(current, { ...tokens, subscriptionType: extractOAuth(current)?.subscriptionType }));
    ctx.print(`Logged in${ctx.account ? ` as account ${ctx.account}` : ''}. Credentials saved to ${file.path}`);
  },

  async status(ctx: AuthCommandContext<ClaudeApiConfig>): Promise<AuthStatusReport> {
    const file = fileFor(ctx);
    const lines = [`credentials file: ${file.path}`];
    const t = extractOAuth(await file.read());
    if (!t) {
      if (ctx.config.api_key) return { loggedIn: true, lines: [...lines, 'OAuth: not logged in', 'API key: configured (plugins.claude_api.api_key)'] };
      return { loggedIn: false, lines: [...lines, 'not logged in: run `ccproxy auth login claude`'] };
    }
    // The CLI's own account file says who is logged in there, not in a stored account.
    const who = ctx.account === undefined ? await accountEmail(ctx.services.env) : undefined;
    if (who) lines.push(`account: ${who}`);
    lines.push(`subscription: ${t.subscriptionType ?? 'unknown'}`);
    if (t.expiresAt !== undefined) {
      const left = Math.round((t.expiresAt - Date.now()) / 60_000);
      lines.push(left > 0 ? `access token expires in ${left} min (${new Date(t.expiresAt).toISOString()})` : `access token expired ${-left} min ago (refreshed automatically on the next request)`);
    }
    if (t.scopes?.length) lines.push(`scopes: ${t.scopes.join(' ')}`);
    lines.push(`refresh token: ${t.refreshToken ? 'present' : 'missing'}`);
    return { loggedIn: true, lines };
  },

  async logout(ctx: AuthCommandContext<ClaudeApiConfig>): Promise<void> {
    const file = fileFor(ctx);
    let removed = false;
    const after = await file.update((current) => {
      if (!current || !(OAUTH_KEY in current)) return undefined;
      removed = true;
      const { [OAUTH_KEY]: _drop, ...rest } = current;
      return rest;
    });
    if (removed && after && Object.keys(after).length === 0) await file.remove();
    if (ctx.account !== undefined) {
      ctx.print(removed ? `Removed account ${ctx.account} (${file.path})` : `Account ${ctx.account} holds no credentials; nothing to remove`);
      return;
    }
    ctx.print(removed ? `Removed the Claude OAuth credentials from ${file.path} (the Claude CLI shares this file and is logged out too)` : 'Not logged in; nothing to remove');
  },

  async accounts(ctx: AuthCommandContext<ClaudeApiConfig>): Promise<AccountInfo[]> {
    const { services } = ctx;
    const members = await claudeAccounts(ctx.config, accountServices(services, 'claude_api'));
    return Promise.all(members.map(async ({ name, value: tokens }): Promise<AccountInfo> => {
      try {
        const mode = await tokens.mode();
        if (mode === 'api_key') return { name, plan: 'api key' };
        const t = mode === 'oauth' ? await tokens.refresher.current() : null;
        if (!t) return { name, problem: `no credentials in ${tokens.file.path}` };
        return { name, plan: t.subscriptionType ?? 'subscription', ...(t.expiresAt !== undefined ? { expiresAt: t.expiresAt } : {}) };
      } catch (err) {
        return { name, problem: err instanceof Error ? err.message : String(err) };
      }
    }));
  },
};

/** The Claude CLI keeps the account email in `~/.claude.json`; best effort, never required. */
async function accountEmail(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dir = env.CLAUDE_CONFIG_DIR;
  const candidates = dir ? [path.join(dir, '.claude.json')] : [path.join(env.HOME || os.homedir(), '.claude.json')];
  for (const p of candidates) {
    try {
      const o = JSON.parse(await fs.readFile(p, 'utf8')) as { oauthAccount?: { emailAddress?: unknown } };
      if (typeof o.oauthAccount?.emailAddress === 'string') return o.oauthAccount.emailAddress;
    } catch {
      /* not there */
    }
  }
  return undefined;
}
