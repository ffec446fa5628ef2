/**
 * What we send when no Claude CLI could be detected: the identifying headers Claude Code 2.1.331
 * really sent (from `test/fixtures/captures/claude-code-2.1.331-messages.json`) and its identity
 * as the system prompt. Health reports `warn` while this is in use.
 */
import type { ClaudeDetectionData } from './detection-types.js';

export const FALLBACK_DETECTION: ClaudeDetectionData = {
  version: '2.1.331',
  source: 'fallback',
  headers: {
    'user-agent': 'claude-cli/2.1.331 (external, sdk-cli)',
    'x-app': 'cli',
    'x-stainless-arch': 'x64',
    'x-stainless-lang': 'js',
    'x-stainless-os': 'Linux',
    'x-stainless-package-version': '0.128.0',
    'x-stainless-retry-count': '0',
    'x-stainless-runtime': 'node',
    'x-stainless-runtime-version': 'v26.12.1',
    'x-stainless-timeout': '600',
    'anthropic-version': '2023-06-01',
  },
  systemPrompt: [{ type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." }],
};
