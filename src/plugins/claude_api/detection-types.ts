/** What detection learns about the installed Claude CLI (a leaf: detection.ts and its fallback data share it). */
import type { TextBlock } from './request-body.js';

export interface ClaudeDetectionData {
  version: string;
  source: 'detected' | 'cache' | 'fallback';
  /** Identifying headers (`user-agent`, `x-app`, `x-stainless-*`, `anthropic-version`). */
  headers: Record<string, string>;
  /** The CLI's system prompt blocks, billing-header line removed. */
  systemPrompt: TextBlock[];
  detectedAt?: string;
}
