/**
 * Is the Claude Code CLI logged in, as the CLI would see it with this environment? Read from the
 * files and variables it reads, never by running it: `claude auth status` writes `~/.claude.json`
 * and backups into the home it runs in, and detection must leave the person's home as it was.
 *
 * What counts, in the CLI's own order of preference (`authMethod` as `claude auth status` names it):
 * a key or token in the environment, a cloud provider (Bedrock, Vertex, Foundry), the OAuth login
 * in `<config dir>/.credentials.json` (`claude.ai`), a key stored by /login in `.claude.json`
 * (`api_key`), an `apiKeyHelper` in `settings.json`. On macOS the login lives in the Keychain,
 * which is asked read-only.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface LoginState {
  loggedIn: boolean;
  /** `env:ANTHROPIC_API_KEY`, `third_party`, `claude.ai`, `api_key`, `api_key_helper`, or `none`. */
  authMethod: string;
  /** Subscription of a claude.ai login (`max`, `pro`), when the credentials say. */
  subscription?: string;
}

const KEY_VARS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];
const CLOUD_VARS = ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'];

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && !/^(0|false|no|off)$/i.test(v);
}

/** The Keychain item Claude Code stores its login in exists (macOS; the secret is not read). */
function keychainHasLogin(): Promise<boolean> {
  if (process.platform !== 'darwin') return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('security', ['find-generic-password', '-s', 'Claude Code-credentials'], { timeout: 5000 }, (err) => resolve(!err));
  });
}

export async function readLoginState(env: NodeJS.ProcessEnv): Promise<LoginState> {
  const key = KEY_VARS.find((v) => env[v]);
  if (key) return { loggedIn: true, authMethod: `env:${key}` };
  if (CLOUD_VARS.some((v) => truthy(env[v]))) return { loggedIn: true, authMethod: 'third_party' };

  const home = env.HOME || homedir();
  const configDir = env.CLAUDE_CONFIG_DIR || path.join(home, '.claude');
  const oauth = (await readJson(path.join(configDir, '.credentials.json')))?.claudeAiOauth as Record<string, unknown> | undefined;
  if (typeof oauth?.accessToken === 'string' && oauth.accessToken) {
    return { loggedIn: true, authMethod: 'claude.ai', ...(typeof oauth.subscriptionType === 'string' ? { subscription: oauth.subscriptionType } : {}) };
  }
  const globalConfig = await readJson(env.CLAUDE_CONFIG_DIR ? path.join(configDir, '.claude.json') : path.join(home, '.claude.json'));
  if (typeof globalConfig?.primaryApiKey === 'string' && globalConfig.primaryApiKey) return { loggedIn: true, authMethod: 'api_key' };
  const settings = await readJson(path.join(configDir, 'settings.json'));
  if (typeof settings?.apiKeyHelper === 'string' && settings.apiKeyHelper) return { loggedIn: true, authMethod: 'api_key_helper' };
  if (await keychainHasLogin()) return { loggedIn: true, authMethod: 'claude.ai' };
  return { loggedIn: false, authMethod: 'none' };
}
