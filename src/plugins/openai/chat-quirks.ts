/**
 * OpenAI-compatible servers bend the Chat Completions wire format in known ways. Normalizing here,
 * before any conversion or passthrough, lets every client (and every converter) see the real
 * grammar:
 *  - tool-call deltas without `index` (a new `id` starts the next call, otherwise the current one
 *    continues) and without `id` on the first delta of a call (one is made up);
 *  - arguments arriving whole in one delta (already valid: nothing to do);
 *  - no `finish_reason` at all (one is added at the end, before a usage chunk: `tool_calls` when
 *    calls were made, else `stop`; never after an error object, which ends the stream), and
 *    `finish_reason: "tool_calls"` without any call (→ `stop`);
 *  - no usage chunk (nothing to invent: converters report what they have).
 */
import type { StreamEvent } from '../../plugin.js';

type Json = Record<string, unknown>;

interface ToolDelta extends Json {
  index?: number;
  id?: string;
}

export async function* normalizeChatStream(chunks: AsyncIterable<StreamEvent>): AsyncIterable<StreamEvent> {
  let nextIndex = 0;
  let current = null as { index: number; id: string } | null;
  let sawToolCall = false;
  let finished = false;
  let last: Json | null = null;
  let seq = 0;
  for await (const chunk of chunks) {
    // An error object ends the stream: no made-up finish may follow it and report success.
    if (chunk.error !== undefined && chunk.choices === undefined) {
      yield chunk;
      return;
    }
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Json[]) : [];
    // The usage chunk (no choices) comes after the finish: a missing finish goes before it.
    if (choices.length === 0 && !finished && last) {
      finished = true;
      yield finishChunk(last, sawToolCall);
    }
    last = chunk;
    for (const choice of choices) {
      if ((choice.index ?? 0) !== 0) continue;
      const delta = (choice.delta ?? {}) as Json;
      const calls = Array.isArray(delta.tool_calls) ? (delta.tool_calls as ToolDelta[]) : [];
      for (const call of calls) {
        sawToolCall = true;
        if (typeof call.index !== 'number') {
          call.index = call.id && call.id !== current?.id ? nextIndex : (current?.index ?? nextIndex);
        }
        if (call.index !== current?.index) {
          call.id ||= `call_${Date.now().toString(36)}_${++seq}`;
          if (!call.type) call.type = 'function';
          current = { index: call.index, id: call.id };
          nextIndex = Math.max(nextIndex, call.index + 1);
        }
      }
      if (typeof choice.finish_reason === 'string') {
        if (choice.finish_reason === 'tool_calls' && !sawToolCall) choice.finish_reason = 'stop';
        finished = true;
      }
    }
    yield chunk;
  }
  if (!finished && last) yield finishChunk(last, sawToolCall);
}

/** The finish chunk a stream without `finish_reason` lacked, with the stream's id, model and time. */
function finishChunk(last: Json, sawToolCall: boolean): Json {
  return {
    id: last.id,
    object: 'chat.completion.chunk',
    created: last.created ?? Math.floor(Date.now() / 1000),
    model: last.model,
    choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: sawToolCall ? 'tool_calls' : 'stop' }],
  };
}

/** The same repairs for a complete (non-stream) completion. */
export function normalizeChatCompletion(body: Json): Json {
  const choices = Array.isArray(body.choices) ? (body.choices as Json[]) : [];
  let seq = 0;
  for (const choice of choices) {
    const message = (choice.message ?? {}) as Json;
    const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as Json[]) : [];
    for (const call of calls) {
      call.id ||= `call_${Date.now().toString(36)}_${++seq}`;
      if (!call.type) call.type = 'function';
      const fn = call.function as Json | undefined;
      if (fn && typeof fn.arguments !== 'string') fn.arguments = JSON.stringify(fn.arguments ?? {});
    }
    if (calls.length === 0 && message.tool_calls !== undefined) delete message.tool_calls;
    if (choice.finish_reason === 'tool_calls' && calls.length === 0) choice.finish_reason = 'stop';
    if (!choice.finish_reason) choice.finish_reason = calls.length ? 'tool_calls' : 'stop';
  }
  return body;
}
