/** What detection learns about the installed Codex CLI and the request shaping needs. */
export interface CodexDetection {
  /** `detected` = ran the CLI now, `cache` = earlier run of this version, `fallback` = shipped data. */
  source: 'detected' | 'cache' | 'fallback';
  /** CLI version (sent as the `version` header). */
  version: string;
  /** Identity headers the CLI sends (`originator`, `user-agent`). */
  headers: Record<string, string>;
  /** The CLI's base prompt: `instructions` upstream must start with it. */
  basePrompt: string;
  /** The CLI's default model. */
  model: string;
  /** ISO time of the capture. */
  detectedAt: string;
  /** Why fallback data is in use (no CLI, run failed, ...). */
  reason?: string;
}
