/**
 * What the echo provider answers, in one API only: Chat Completions. The adapter converts it to
 * whichever API the client spoke with the entry's formats helpers, so this file never needs to
 * know the Anthropic or Responses shapes.
 */
import { invalidField, type JsonObject, type StreamEvent } from 'ccproxy-node/plugin';

/**
 * The text of the last user message of a Chat Completions request; `field` is where the client's
 * own API keeps the conversation (`messages`, or `input` on Responses), for the error.
 */
export function lastUserText(chatRequest: JsonObject, field: string): string {
  const messages = Array.isArray(chatRequest.messages) ? (chatRequest.messages as JsonObject[]) : [];
  const last = messages.findLast((m) => m.role === 'user');
  const content = last?.content;
  const text = typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? (content as JsonObject[]).filter((p) => p.type === 'text' && typeof p.text === 'string').map((p) => p.text as string).join('')
      : '';
  // Thrown before anything is sent: the core answers 400 in the client's API format.
  if (!text) throw invalidField(field, 'no user text to echo');
  return text;
}

export interface Echo {
  id: string;
  created: number;
  model: string;
  text: string;
}

/** A word count stands in for tokens: there is no model behind this provider. */
function usage(text: string): JsonObject {
  const tokens = text.split(/\s+/).filter(Boolean).length;
  return { prompt_tokens: tokens, completion_tokens: tokens, total_tokens: 2 * tokens };
}

export function echoCompletion(e: Echo): JsonObject {
  return {
    id: e.id, object: 'chat.completion', created: e.created, model: e.model,
    choices: [{ index: 0, message: { role: 'assistant', content: e.text }, finish_reason: 'stop' }],
    usage: usage(e.text),
  };
}

/** The same answer as Chat Completions stream chunks, one word at a time. */
export async function* echoChunks(e: Echo): AsyncIterable<StreamEvent> {
  const chunk = (delta: JsonObject, finish: string | null): StreamEvent => ({
    id: e.id, object: 'chat.completion.chunk', created: e.created, model: e.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  yield chunk({ role: 'assistant', content: '' }, null);
  for (const word of e.text.match(/\s*\S+/g) ?? []) yield chunk({ content: word }, null);
  yield chunk({}, 'stop');
  yield { id: e.id, object: 'chat.completion.chunk', created: e.created, model: e.model, choices: [], usage: usage(e.text) };
}
