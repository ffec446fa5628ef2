/**
 * claude_api's accounts: with no `[[plugins.claude_api.accounts]]`, the single account of today
 * (`default`: credentials_file / api_key / auto) plus any stored by `ccproxy auth login claude
 * --account`; with tables, those (enabled ones) plus the stored ones they do not name.
 */
import { credentialStoreFor, poolMembers, storedAccountPath, type AccountServices, type PoolMember } from '../../plugin.js';
import { ClaudeTokenSource } from './auth/token-source.js';
import type { ClaudeAccountConfig, ClaudeApiConfig } from './config.js';

const PLUGIN = 'claude_api';

/** The config one account's token source runs with: the provider's settings, that account's credentials. */
export function accountConfig(config: ClaudeApiConfig, account: Pick<ClaudeAccountConfig, 'name' | 'credentials_file' | 'api_key'>, dataDir: string): ClaudeApiConfig {
  return {
    ...config,
    credentials_file: account.credentials_file ?? storedAccountPath(dataDir, PLUGIN, account.name),
    api_key: account.api_key,
    auth_type: account.api_key ? 'api_key' : 'oauth',
  };
}

export async function claudeAccounts(config: ClaudeApiConfig, s: AccountServices): Promise<Array<PoolMember<ClaudeTokenSource>>> {
  const source = (c: ClaudeApiConfig, account?: string): ClaudeTokenSource => new ClaudeTokenSource(c, s.httpClient, s.env, s.logger,
    account && s.state ? credentialStoreFor(s.state.settings, s.state.backend, PLUGIN, account) : undefined, s.onRefresh);
  return poolMembers({
    plugin: PLUGIN,
    dataDir: s.dataDir,
    ...(s.state ? { state: s.state } : {}),
    accounts: config.accounts,
    single: () => source(config),
    hasCredentials,
    account: (name, configured) => source(accountConfig(config, configured ?? { name }, s.dataDir), name),
  });
}

async function hasCredentials(tokens: ClaudeTokenSource): Promise<boolean> {
  try {
    return (await tokens.mode()) !== 'none';
  } catch {
    return true; // a corrupt file is reported by health, not hidden
  }
}
