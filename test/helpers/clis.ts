/**
 * The real CLIs the end-to-end tests run. Claude Code is the native binary the Agent SDK ships
 * (`@anthropic-ai/claude-agent-sdk-<platform>-<arch>`): the very version the SDK expects, with no
 * second 400 MB copy and no `@anthropic-ai/claude-code` package (which declares Node >= 22).
 */
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBundled } from '../../src/plugins/claude_sdk/detection.js';

const bundled = findBundled();
if (!bundled) throw new Error('the Agent SDK has no Claude Code binary for this platform (npm ci installs it as an optional dependency)');

export const CLAUDE_BIN: string = bundled;
export const CODEX_BIN = fileURLToPath(new URL('../../node_modules/.bin/codex', import.meta.url));

/** Bound for one CLI run: far beyond what a run takes, below the e2e tier's test timeout. */
export const CLI_RUN_MS = 240_000;

/** Makes `dir` a PATH entry holding the real CLIs under their usual names (`claude`, `codex`). */
export async function cliPathDir(dir: string, names: Array<'claude' | 'codex'> = ['claude', 'codex']): Promise<string> {
  for (const name of names) await symlink(name === 'claude' ? CLAUDE_BIN : CODEX_BIN, join(dir, name));
  return dir;
}
