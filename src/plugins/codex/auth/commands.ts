/**
 * `ccproxy auth login|status|logout codex`. Login is the Codex CLI's own flow (PKCE, callback on
 * `http://localhost:1455/auth/callback`), so the resulting auth.json is the one the CLI reads too.
 */
import { CredentialFile, runOAuthLogin, requestTokens, type AuthCommandContext, type AuthStatusReport, type PluginAuthCommands } from '../../../plugin.js';
import type { CodexConfig } from '../config.js';
import { fromIssued, parseCodexAuth, resolveAuthFile, withNewTokens, type AuthFileJson, type TokenResponse } from './credentials.js';

function fileOf(config: CodexConfig, env: NodeJS.ProcessEnv): CredentialFile<AuthFileJson> {
  return new CredentialFile<AuthFileJson>({ path: resolveAuthFile(config.credentials_file, env) });
}

async function login(ctx: AuthCommandContext<CodexConfig>): Promise<void> {
  const { oauth } = ctx.config;
  const redirectUri = `http://localhost:${oauth.redirect_port}${oauth.redirect_path}`;
  const file = fileOf(ctx.config, ctx.services.env);
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
  ctx.print(`Logged in${creds?.email ? ` as ${creds.email}` : ''}${creds?.planType ? ` (${creds.planType})` : ''}; credentials saved to ${file.path}`);
}

async function status(ctx: AuthCommandContext<CodexConfig>): Promise<AuthStatusReport> {
  const file = fileOf(ctx.config, ctx.services.env);
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
  const file = fileOf(ctx.config, ctx.services.env);
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
  ctx.print(hadTokens ? `Logged out: removed Codex tokens from ${file.path}` : `Not logged in: no Codex tokens in ${file.path}`);
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
};
