/**
 * Malformed upstream answers, built by breaking one spot of a valid one: the valid non-stream
 * answer and stream of each API (text and a tool call, the real event order), every place in it
 * (each member, element and the whole), and what can stand there instead: null, a value of another
 * JSON type, a string that looks like a credential, or nothing (a member left out).
 */
import { anthropicStream } from './fault-upstream.js';
import { responsesEvents } from './openai-compatible.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = ReadonlyArray<string | number>;
export type UpstreamApi = 'anthropic' | 'chat' | 'responses';

/** A string an answer may carry that must never reach an error message unredacted. */
export const SECRET_MARKER = 'sk-ant-oat01-MALFORMED-ANSWER-SECRET';
const REMOVE = Symbol('remove');

/** Every path in `value`, the whole first. */
export function pathsOf(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) out.push(...pathsOf(value[k]!, [...prefix, k]));
  return out;
}

function valueAt(value: Json, path: Path): Json {
  let v: Json = value;
  for (const key of path) v = (v as Record<string | number, Json>)[key]!;
  return v;
}

/** A copy of `value` with `path` replaced (or removed, for an object member). */
export function withValueAt(value: Json, path: Path, replacement: Json | typeof REMOVE): Json {
  if (path.length === 0) return replacement === REMOVE ? null : replacement;
  const copy = structuredClone(value);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path.at(-1)!;
  if (replacement !== REMOVE) parent[key] = replacement;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
  return copy;
}

/** What can stand where `original` stood instead: null, another JSON type, an odd number, nothing. */
function replacementsFor(original: Json, isMember: boolean): Array<Json | typeof REMOVE> {
  const out: Array<Json | typeof REMOVE> = [null];
  if (typeof original === 'number') out.push(SECRET_MARKER, -1, 1e308);
  else out.push(typeof original === 'string' ? 5 : SECRET_MARKER);
  out.push(Array.isArray(original) ? {} : [null]);
  if (isMember) out.push(REMOVE);
  return out;
}

/** One broken answer: where it was broken and how, for the failure message. */
export interface Breakage {
  label: string;
  /** The answer with the break: a body, or the events of a stream. */
  answer: Json | Json[];
}

/** Every way of breaking one spot of `answer` (a body) or of one of its events (a stream). */
export function breakages(answer: Json | Json[], stream: boolean): Breakage[] {
  const out: Breakage[] = [];
  const breakOne = (value: Json, at: (broken: Json) => Json | Json[], where: string): void => {
    for (const path of pathsOf(value)) {
      const original = valueAt(value, path);
      const isMember = path.length > 0 && typeof path.at(-1) === 'string';
      for (const r of replacementsFor(original, isMember)) {
        const label = `${where}${path.join('.') || '(whole)'} = ${r === REMOVE ? '(removed)' : JSON.stringify(r)}`;
        out.push({ label, answer: at(withValueAt(value, path, r)) });
      }
    }
  };
  if (!stream) breakOne(answer as Json, (b) => b, '');
  else {
    const events = answer as Json[];
    events.forEach((event, i) => {
      const type = (event as { type?: unknown }).type;
      breakOne(event, (b) => events.map((e, j) => (j === i ? b : e)), `event ${i}${typeof type === 'string' ? ` (${type})` : ''}: `);
    });
  }
  return out;
}

/** The valid answer of each upstream API: text plus one tool call. */
export function validAnswer(api: UpstreamApi, stream: boolean, model: string): Json | Json[] {
  if (api === 'anthropic') return stream ? anthropicEvents(model) : anthropicMessage(model);
  if (api === 'responses') {
    const events = (responsesEvents({ text: 'hello there', toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }] }, model, {}) as Json[]).map(slimShell);
    return stream ? events : ((events.at(-1) as { response: Json }).response);
  }
  return stream ? chatChunks(model) : chatCompletion(model);
}

/** The wire text of an answer and its content type. */
export function frame(api: UpstreamApi, stream: boolean, answer: Json | Json[]): { body: string; contentType: string } {
  if (!stream) return { body: JSON.stringify(answer), contentType: 'application/json' };
  const events = answer as Json[];
  const text = events.map((e) => {
    const type = e !== null && typeof e === 'object' && !Array.isArray(e) ? e.type : undefined;
    return api !== 'chat' && typeof type === 'string' ? `event: ${type}\ndata: ${JSON.stringify(e)}\n\n` : `data: ${JSON.stringify(e)}\n\n`;
  }).join('');
  return { body: api === 'chat' ? `${text}data: [DONE]\n\n` : text, contentType: 'text/event-stream; charset=utf-8' };
}

function anthropicMessage(model: string): Json {
  return {
    id: 'msg_valid_1', type: 'message', role: 'assistant', model,
    content: [
      { type: 'text', text: 'hello there' },
      { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } },
    ],
    stop_reason: 'tool_use', stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  };
}

function anthropicEvents(model: string): Json[] {
  const text = anthropicStream(1, model).map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as Json);
  // message_start, text block (start, delta, stop), then a tool_use block before message_delta/stop.
  const tool: Json[] = [
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"q":' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"x"}' } },
    { type: 'content_block_stop', index: 1 },
  ];
  return [...text.slice(0, 4), ...tool, ...text.slice(4)];
}

function chatCompletion(model: string): Json {
  return {
    id: 'chatcmpl-valid', object: 'chat.completion', created: 1_700_000_000, model,
    choices: [{
      index: 0,
      message: { role: 'assistant', content: 'hello there', refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
      logprobs: null, finish_reason: 'tool_calls',
    }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

function chatChunks(model: string): Json[] {
  const chunk = (delta: Json, finish: string | null = null): Json => ({
    id: 'chatcmpl-valid', object: 'chat.completion.chunk', created: 1_700_000_000, model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  return [
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'hello there' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":"x"}' } }] }),
    chunk({}, 'tool_calls'),
    { id: 'chatcmpl-valid', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
  ];
}

/** The response shell without the request echo (tools, text, reasoning…) no converter reads. */
function slimShell(event: Json): Json {
  const e = event as { response?: Record<string, Json> };
  if (!e.response) return event;
  const { id, object, created_at, status, model, output, usage, error } = e.response;
  return { ...(event as Record<string, Json>), response: { id: id!, object: object!, created_at: created_at!, status: status!, model: model!, output: output!, usage: usage!, error: error! } };
}
