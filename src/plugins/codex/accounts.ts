/**
 * codex's accounts: with no `[[plugins.codex.accounts]]`, the single account of today (`default`:
 * credentials_file, else the Codex CLI's auth.json) plus any stored by `ccproxy auth login codex
 * --account`; with tables, those (enabled ones) plus the stored ones they do not name.
 */
import { credentialStoreFor, poolMembers, storedAccountPath, type AccountServices, type PoolMember } from '../../plugin.js';
import { resolveAuthFile } from './auth/credentials.js';
import { CodexTokenManager } from './auth/token-manager.js';
import type { CodexAccountConfig, CodexConfig } from './config.js';

const PLUGIN = 'codex';

/** An account's auth.json: its configured credentials_file, else the one ccproxy stores for it (never the CLI's own). */
export function accountAuthFile(account: Pick<CodexAccountConfig, 'name' | 'credentials_file'>, dataDir: string, env: NodeJS.ProcessEnv): string {
  return account.credentials_file ? resolveAuthFile(account.credentials_file, env) : storedAccountPath(dataDir, PLUGIN, account.name);
}

export function codexAccounts(config: CodexConfig, s: AccountServices): Promise<Array<PoolMember<CodexTokenManager>>> {
  const manager = (path: string, account?: string): CodexTokenManager => new CodexTokenManager({
    path, config, dispatcher: s.httpClient, logger: s.logger,
    ...(s.onRefresh ? { onRefresh: s.onRefresh } : {}),
    ...(account && s.state ? { store: credentialStoreFor(s.state.settings, s.state.backend, PLUGIN, account) } : {}),
  });
  return poolMembers({
    plugin: PLUGIN,
    dataDir: s.dataDir,
    ...(s.state ? { state: s.state } : {}),
    accounts: config.accounts,
    single: () => manager(resolveAuthFile(config.credentials_file, s.env)),
    // A corrupt file counts as there: health reports it rather than hiding the account.
    hasCredentials: async (tokens) => {
      const { credentials, error } = await tokens.inspect();
      return credentials !== null || error !== undefined;
    },
    account: (name, configured) => manager(accountAuthFile(configured ?? { name }, s.dataDir, s.env), name),
  });
}
