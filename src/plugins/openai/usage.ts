/** Token usage from Chat or Responses upstream answers, reported to the request's observer. */
import type { AdapterRequest, TokenUsage, JsonObject, StreamEvent } from '../../plugin.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const obj = (v: unknown): JsonObject => (v && typeof v === 'object' ? (v as JsonObject) : {});

export function usageOf(format: 'chat' | 'responses', usage: unknown): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as JsonObject;
  if (format === 'chat') {
    return {
      inputTokens: num(u.prompt_tokens),
      outputTokens: num(u.completion_tokens),
      cacheReadTokens: num(obj(u.prompt_tokens_details).cached_tokens),
      reasoningTokens: num(obj(u.completion_tokens_details).reasoning_tokens),
    };
  }
  return {
    inputTokens: num(u.input_tokens),
    outputTokens: num(u.output_tokens),
    cacheReadTokens: num(obj(u.input_tokens_details).cached_tokens),
    reasoningTokens: num(obj(u.output_tokens_details).reasoning_tokens),
  };
}

/** Complete responses: `usage` (Chat) or `usage` on the response object (Responses). */
export function reportUsage(format: 'chat' | 'responses', body: JsonObject, req: AdapterRequest, model: string): void {
  const usage = usageOf(format, body.usage);
  if (usage) req.observer?.usage(usage, model);
}

/** Streams: the Chat usage chunk, or the Responses terminal event's `response.usage`. */
export async function* observeUsage(
  format: 'chat' | 'responses',
  events: AsyncIterable<StreamEvent>,
  req: AdapterRequest,
  model: string,
): AsyncIterable<StreamEvent> {
  if (!req.observer) {
    yield* events;
    return;
  }
  for await (const event of events) {
    const raw = format === 'chat' ? event.usage : obj(event.response).usage;
    const usage = raw ? usageOf(format, raw) : undefined;
    if (usage) req.observer.usage(usage, model);
    yield event;
  }
}
