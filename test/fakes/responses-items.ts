/**
 * The output-item part of an OpenAI Responses stream, shared by the fakes that speak it (the
 * ChatGPT backend and the OpenAI-compatible server): the real event sequence for one assistant
 * message and for one function call. Each fake keeps its own ids, delta sizes and response shell;
 * `push` stamps the sequence number.
 */
export type PushEvent = (event: Record<string, unknown>) => void;

/** added → content_part.added → output_text.delta… → output_text.done → content_part.done → done. */
export function messageItemEvents(push: PushEvent, itemId: string, index: number, text: string, deltas: string[]): Record<string, unknown> {
  push({ type: 'response.output_item.added', output_index: index, item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
  push({ type: 'response.content_part.added', item_id: itemId, output_index: index, content_index: 0, part: { type: 'output_text', annotations: [], text: '' } });
  for (const d of deltas) push({ type: 'response.output_text.delta', item_id: itemId, output_index: index, content_index: 0, delta: d, logprobs: [] });
  push({ type: 'response.output_text.done', item_id: itemId, output_index: index, content_index: 0, text, logprobs: [] });
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  push({ type: 'response.content_part.done', item_id: itemId, output_index: index, content_index: 0, part });
  const item = { id: itemId, type: 'message', status: 'completed', role: 'assistant', content: [part] };
  push({ type: 'response.output_item.done', output_index: index, item });
  return item;
}

/** added (empty arguments) → function_call_arguments.delta… → function_call_arguments.done → done. */
export function functionCallItemEvents(
  push: PushEvent,
  itemId: string,
  index: number,
  call: { callId: string; name: string; args: string },
  deltas: string[],
): Record<string, unknown> {
  const { callId, name, args } = call;
  push({ type: 'response.output_item.added', output_index: index, item: { id: itemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name } });
  for (const d of deltas) push({ type: 'response.function_call_arguments.delta', item_id: itemId, output_index: index, delta: d });
  push({ type: 'response.function_call_arguments.done', item_id: itemId, output_index: index, arguments: args });
  const item = { id: itemId, type: 'function_call', status: 'completed', arguments: args, call_id: callId, name };
  push({ type: 'response.output_item.done', output_index: index, item });
  return item;
}
