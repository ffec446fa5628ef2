/**
 * SSE framing of this plugin's output in the client's API, including a mid-stream error event
 * (the response is already committed, so a failure must travel inside the stream).
 * Anthropic and Responses name each event (`event: <type>`); Chat sends bare `data:` chunks and
 * ends with `data: [DONE]`.
 */
import type { ApiFormat } from '../../core/adapter.js';
import { renderError, toProxyError } from '../../core/errors.js';

type Event = Record<string, unknown>;

function frame(api: ApiFormat, event: Event): string {
  const data = JSON.stringify(event);
  if (api === 'chat') return `data: ${data}\n\n`;
  const name = typeof event.type === 'string' ? event.type.replace(/[\r\n]/g, '') : 'message';
  return `event: ${name}\ndata: ${data}\n\n`;
}

function errorEvent(api: ApiFormat, err: unknown, plugin: string): Event {
  const e = toProxyError(err, plugin);
  const body = renderError(api, e);
  if (api === 'responses') {
    const inner = (body.error ?? {}) as Record<string, unknown>;
    return { type: 'error', code: inner.code ?? inner.type ?? null, message: e.message, param: null };
  }
  return body;
}

export async function* serializeSse(api: ApiFormat, events: AsyncIterable<Event>, plugin: string): AsyncGenerator<string> {
  try {
    for await (const event of events) yield frame(api, event);
  } catch (err) {
    yield frame(api, errorEvent(api, err, plugin));
    return;
  }
  if (api === 'chat') yield 'data: [DONE]\n\n';
}
