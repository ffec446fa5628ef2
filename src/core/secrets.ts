/**
 * The one redaction mechanism: every text the proxy shows that may carry upstream or token-endpoint
 * words (client error bodies and stream error events, `/health`, `/plugins`, every log line) goes
 * through `secrets.redact`. Two nets:
 *
 * - the exact values the proxy holds, registered as it learns them: configured keys and tokens at
 *   startup, tokens read from credentials files or issued by token endpoints (`secrets.register`);
 * - values shaped like secrets whoever holds them: `sk-…` keys and JWTs (a JWT's payload alone too).
 *
 * Process-wide on purpose: errors are rendered and lines logged far from where the secret was
 * learned. It holds credentials only, never client content, and a bounded number of them.
 */
import { isSecretKey } from './config/issues.js';

export const REDACTED = '[redacted]';

/** Shorter values cannot be told apart from ordinary words; real keys and tokens are far longer. */
const MIN_LENGTH = 8;
/** Rotated tokens keep arriving over a long uptime; the oldest are dropped beyond this. */
const MAX_KNOWN = 512;
/** A JWT part (the signature) shown alone is also a leak when it is this long. */
const MIN_PART = 16;

const TOKEN_CHAR = '[A-Za-z0-9_-]';
/** `sk-` keys (Anthropic, OpenAI) and JWTs (`eyJ` is base64url for `{"`), not inside a longer word. */
const SHAPES = new RegExp(`(?<![A-Za-z0-9_-])(?:sk-${TOKEN_CHAR}{12,}|eyJ${TOKEN_CHAR}{8,}(?:\\.${TOKEN_CHAR}*){0,2})`, 'g');

export class SecretRedactor {
  private readonly known = new Set<string>();
  /** `known`, longest first (a secret that contains another is replaced whole); rebuilt lazily. */
  private ordered: string[] | null = [];

  /** Remember values to redact from now on; short and empty ones are ignored. */
  register(...values: ReadonlyArray<string | null | undefined>): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_LENGTH) continue;
      this.add(value);
      const parts = value.split('.');
      if (parts.length === 3) for (const part of parts) if (part.length >= MIN_PART) this.add(part);
    }
  }

  /** `text` without any registered value, `extra` value, or secret-shaped value. */
  redact(text: string, extra?: ReadonlyArray<string>): string {
    if (!text) return text;
    let out = text;
    for (const secret of this.list()) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (extra) {
      for (const secret of extra) if (secret.length >= MIN_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out.replace(SHAPES, REDACTED);
  }

  /** JSON text of `value` with secrets redacted (tokens need no JSON escaping, so they match as is). */
  redactJson(value: unknown): string {
    return this.redact(JSON.stringify(value) ?? 'null');
  }

  private add(value: string): void {
    if (this.known.has(value)) return;
    if (this.known.size >= MAX_KNOWN) this.known.delete(this.known.values().next().value!);
    this.known.add(value);
    this.ordered = null;
  }

  private list(): string[] {
    this.ordered ??= [...this.known].sort((a, b) => b.length - a.length);
    return this.ordered;
  }
}

/** The proxy's redactor (see the file comment for why it is process-wide). */
export const secrets = new SecretRedactor();

/** Register every string under a secret-named key of a settings tree (core and plugin sections). */
export function registerConfiguredSecrets(tree: unknown, redactor: SecretRedactor = secrets, key = ''): void {
  if (typeof tree === 'string') {
    if (isSecretKey(key)) redactor.register(tree);
  } else if (Array.isArray(tree)) {
    for (const item of tree) registerConfiguredSecrets(item, redactor, key);
  } else if (tree && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree)) registerConfiguredSecrets(v, redactor, k);
  }
}
