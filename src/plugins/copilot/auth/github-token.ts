/**
 * Where the GitHub token comes from, in order: `github_token` in the config, the variable
 * `github_token_env` names, the file `ccproxy auth login copilot` wrote (`copilot.json` under the
 * data dir, 0600). The file is read again when a token is needed, so a login while the proxy runs
 * is picked up without a restart.
 */
import { join } from 'node:path';
import { CredentialFile, secrets } from '../../../plugin.js';
import type { CopilotConfig } from '../config.js';

export interface StoredGitHubToken extends Record<string, unknown> {
  github_token: string;
  /** GitHub login name, when the login could tell. */
  user?: string;
  /** ISO time of the login. */
  obtained_at?: string;
}

export interface GitHubToken {
  token: string;
  /** `config`, `env:<NAME>` or the file path. */
  source: string;
}

export function credentialFile(config: CopilotConfig, dataDir: string): CredentialFile<StoredGitHubToken> {
  return new CredentialFile<StoredGitHubToken>({ path: config.credentials_file ?? join(dataDir, 'copilot.json') });
}

export function storedToken(raw: StoredGitHubToken | null): string | undefined {
  const t = raw?.github_token;
  return typeof t === 'string' && t.length > 0 ? t : undefined;
}

export async function resolveGitHubToken(config: CopilotConfig, env: NodeJS.ProcessEnv, file: CredentialFile<StoredGitHubToken>): Promise<GitHubToken | undefined> {
  let found: GitHubToken | undefined;
  if (config.github_token) found = { token: config.github_token, source: 'config' };
  else if (env[config.github_token_env]) found = { token: env[config.github_token_env]!, source: `env:${config.github_token_env}` };
  else {
    const token = storedToken(await file.read());
    if (token) found = { token, source: file.path };
  }
  if (found) secrets.register(found.token);
  return found;
}
