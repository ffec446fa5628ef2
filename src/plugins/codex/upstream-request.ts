/**
 * Shapes a Responses request body into what the ChatGPT Codex backend accepts.
 *
 * The backend is stricter than the public Responses API: it only streams, never stores, insists
 * on the Codex CLI's own base prompt in `instructions`, refuses `system` messages in `input`
 * (Claude Code sends them mid-conversation) and answers 400 to sampling/limit parameters.
 * Pure function: the caller logs the `dropped` list at debug.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../plugin.js';
import type { ReasoningEffort } from './config.js';

type Json = Record<string, unknown>;

/** Top-level fields the backend rejects with "Unsupported parameter". */
const REJECTED_FIELDS = [
  'max_output_tokens',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_logprobs',
  'metadata',
  'user',
  'truncation',
  'background',
  'conversation',
  'stream_options',
  'safety_identifier',
] as const;

/** How every Codex CLI base prompt begins. */
const CODEX_PROMPT_START = 'You are Codex,';

export interface ShapeOptions {
  /** The detected Codex base prompt; `instructions` must start with it. */
  basePrompt: string;
  model: string;
  effort: ReasoningEffort;
  reasoningSummary: 'auto' | 'concise' | 'detailed' | 'none';
  textVerbosity?: 'low' | 'medium' | 'high';
  /** A conversation id from the client (header or metadata), if any. */
  sessionHint?: string;
}

export interface ShapedRequest {
  body: Json;
  /** Stable per conversation: sent as `session_id` and used as `prompt_cache_key`. */
  sessionId: string;
  /** What was removed, for the debug log. */
  dropped: string[];
}

export function shapeCodexRequest(source: Json, opts: ShapeOptions): ShapedRequest {
  if (source.previous_response_id !== undefined && source.previous_response_id !== null) {
    throw new ValidationError(
      'previous_response_id is not supported by the codex provider: the ChatGPT backend runs with store=false, so no earlier response can be referenced. Send the full conversation in `input` instead.',
      { param: 'previous_response_id', code: 'unsupported_parameter' },
    );
  }
  const dropped: string[] = [];
  const body: Json = { ...source };
  for (const field of REJECTED_FIELDS) {
    if (field in body) {
      delete body[field];
      dropped.push(field);
    }
  }

  const input = normalizeInput(body.input, opts.basePrompt, dropped);
  const instructions = hoistClientCodexPrompt(input) ?? opts.basePrompt;
  const clientInstructions = typeof body.instructions === 'string' ? stripBasePrompt(body.instructions, opts.basePrompt) : '';
  if (clientInstructions.trim()) input.unshift(developerMessage(clientInstructions));

  const sessionId = typeof body.prompt_cache_key === 'string' && body.prompt_cache_key
    ? body.prompt_cache_key
    : opts.sessionHint || deriveSessionId(input, opts.model);

  const reasoning = { ...(isObject(body.reasoning) ? body.reasoning : {}), effort: opts.effort } as Json;
  if (opts.reasoningSummary !== 'none' && reasoning.summary === undefined) reasoning.summary = opts.reasoningSummary;
  const include = new Set(Array.isArray(body.include) ? (body.include as string[]) : []);
  include.add('reasoning.encrypted_content');
  const text = isObject(body.text) ? { ...body.text } : {};
  if (opts.textVerbosity && text.verbosity === undefined) text.verbosity = opts.textVerbosity;

  return {
    body: {
      ...body,
      model: opts.model,
      instructions,
      input,
      stream: true,
      store: false,
      reasoning,
      include: [...include],
      prompt_cache_key: sessionId,
      ...(Object.keys(text).length ? { text } : {}),
    },
    sessionId,
    dropped,
  };
}

/**
 * `input` as a list the backend takes: system → developer (in place, order kept), the base
 * prompt removed where a client (the Codex CLI itself) already carries it, `item_reference`
 * items and reasoning items without `encrypted_content` dropped (with store=false the backend
 * cannot resolve either).
 */
function normalizeInput(raw: unknown, basePrompt: string, dropped: string[]): Json[] {
  if (typeof raw === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: raw }] }];
  if (!Array.isArray(raw)) return [];
  const out: Json[] = [];
  for (const item of raw as Json[]) {
    if (!isObject(item)) continue;
    if (item.type === 'item_reference') {
      dropped.push('input.item_reference');
      continue;
    }
    if (item.type === 'reasoning' && !item.encrypted_content) {
      dropped.push('input.reasoning(without encrypted_content)');
      continue;
    }
    const role = item.role;
    if ((item.type === undefined || item.type === 'message') && (role === 'system' || role === 'developer')) {
      const text = stripBasePrompt(messageText(item.content), basePrompt);
      if (text === '' && messageText(item.content) !== '') continue;
      const content = text === messageText(item.content) ? toInputParts(item.content) : [{ type: 'input_text', text }];
      const { id: _id, ...rest } = item;
      out.push({ ...rest, type: 'message', role: 'developer', content });
      continue;
    }
    out.push(item);
  }
  return out;
}

/**
 * The Codex CLI as a client on a model other than the detected one sends that model's own base
 * prompt as its first developer message: that prompt, not ours, belongs in `instructions`.
 */
function hoistClientCodexPrompt(input: Json[]): string | undefined {
  // Newer models put an `additional_tools` item first; the prompt is the first developer message.
  for (let i = 0; i < input.length; i++) {
    const item = input[i] as Json;
    if (item.role === 'user') return undefined;
    if (item.role !== 'developer' || item.type !== 'message' || !Array.isArray(item.content)) continue;
    const text = item.content.length === 1 ? (item.content[0] as Json).text : undefined;
    if (typeof text !== 'string' || !text.startsWith(CODEX_PROMPT_START)) return undefined;
    input.splice(i, 1);
    return text;
  }
  return undefined;
}

function stripBasePrompt(text: string, basePrompt: string): string {
  if (!basePrompt || !text.startsWith(basePrompt)) return text;
  return text.slice(basePrompt.length).replace(/^\s+/, '');
}

function developerMessage(text: string): Json {
  return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : ''))
    .join('\n');
}

/** Developer content must be input parts (`output_text` is only valid on assistant messages). */
function toInputParts(content: unknown): Json[] {
  if (typeof content === 'string') return [{ type: 'input_text', text: content }];
  if (!Array.isArray(content)) return [];
  return (content as Json[]).map((p) => (p.type === 'text' || p.type === 'output_text' ? { type: 'input_text', text: p.text } : p));
}

/**
 * One id per conversation when the client gives none: a hash of the model and the first user
 * message, which stays the same on every turn, so the backend's prompt cache keeps hitting.
 */
function deriveSessionId(input: Json[], model: string): string {
  const firstUser = input.find((i) => i.role === 'user');
  const seed = `${model}\n${JSON.stringify(firstUser?.content ?? '')}`;
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
