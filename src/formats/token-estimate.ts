/**
 * An input-token estimate for an Anthropic Messages request, for `POST /v1/messages/count_tokens`
 * on upstreams that have no counting endpoint (the ChatGPT backend, OpenAI-compatible servers, the
 * CLI). Claude Code only uses the number to decide when to compact, so about four characters per
 * token over the text the model will read is close enough.
 */
import { validateRequest } from './models/validate.js';

type Json = Record<string, unknown>;

const CHARS_PER_TOKEN = 4;
/** Per-message framing the tokenizer adds (role markers, separators). */
const PER_MESSAGE = 4;
/** Images are billed by tiles; a mid-size image is on the order of this many tokens. */
const PER_IMAGE = 800;

export function estimateInputTokens(body: Json): number {
  let chars = 0;
  let extra = 0;
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      chars += value.length;
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v);
    } else if (value && typeof value === 'object') {
      const obj = value as Json;
      if (obj.type === 'image' || obj.type === 'input_image') {
        extra += PER_IMAGE;
        return;
      }
      for (const [k, v] of Object.entries(obj)) {
        if (k === 'cache_control' || k === 'signature' || k === 'type') continue;
        visit(v);
      }
    }
  };
  visit(body.system);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  visit(messages);
  extra += messages.length * PER_MESSAGE;
  // Tool definitions count as JSON text, schema punctuation included.
  if (Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  return Math.max(1, Math.ceil(chars / CHARS_PER_TOKEN) + extra);
}

/**
 * The answer to `count_tokens` on a provider without a counting endpoint: the request checked as
 * a count_tokens request (a 400 naming the field), then its estimate.
 */
export function estimatedTokenCount(body: Json): { input_tokens: number } {
  validateRequest('anthropic', body, { countTokens: true });
  return { input_tokens: estimateInputTokens(body) };
}
