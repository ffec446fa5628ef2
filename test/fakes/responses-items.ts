/**
 * The parts of an OpenAI Responses stream shared by the fakes that speak it (the ChatGPT backend
 * and the OpenAI-compatible server): the response object as the real API reports it, and the real
 * event sequence for one assistant message, one reasoning item and one function call. Each fake
 * keeps its own ids and delta sizes; `push` stamps the sequence number.
 */
export type PushEvent = (event: Record<string, unknown>) => void;

/**
 * The response object with every field the real API always reports; the request's own settings
 * (instructions, tools, tool choice…) are echoed back as the real API does.
 */
export function responseObject(
  request: Record<string, unknown>,
  fields: { id: string; createdAt: number; model: string; status: string; output: unknown[]; usage?: unknown; error?: unknown },
): Record<string, unknown> {
  const echo = (key: string, fallback: unknown): unknown => request[key] ?? fallback;
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.status,
    background: false,
    error: fields.error ?? null,
    incomplete_details: null,
    instructions: echo('instructions', null),
    max_output_tokens: echo('max_output_tokens', null),
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: echo('parallel_tool_calls', true),
    previous_response_id: null,
    reasoning: echo('reasoning', { effort: null, summary: null }),
    store: echo('store', true),
    temperature: echo('temperature', 1),
    text: echo('text', { format: { type: 'text' } }),
    tool_choice: echo('tool_choice', 'auto'),
    tools: Array.isArray(request.tools) ? request.tools.map(toolAsReported) : [],
    top_p: echo('top_p', 1),
    truncation: 'disabled',
    usage: fields.usage ?? null,
    metadata: echo('metadata', {}),
  };
}

/** A request's tool as the response reports it: function tools with their defaults filled in. */
function toolAsReported(tool: Record<string, unknown>): Record<string, unknown> {
  if (tool.type !== 'function') return tool;
  return { ...tool, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? true };
}

/** added → summary_part.added → summary_text.delta… → summary_text.done → summary_part.done → done. */
export function reasoningItemEvents(push: PushEvent, itemId: string, index: number, summary: string, deltas: string[], encrypted: string): Record<string, unknown> {
  push({ type: 'response.output_item.added', output_index: index, item: { id: itemId, type: 'reasoning', summary: [] } });
  push({ type: 'response.reasoning_summary_part.added', item_id: itemId, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
  for (const d of deltas) push({ type: 'response.reasoning_summary_text.delta', item_id: itemId, output_index: index, summary_index: 0, delta: d });
  push({ type: 'response.reasoning_summary_text.done', item_id: itemId, output_index: index, summary_index: 0, text: summary });
  push({ type: 'response.reasoning_summary_part.done', item_id: itemId, output_index: index, summary_index: 0, part: { type: 'summary_text', text: summary } });
  const item = { id: itemId, type: 'reasoning', summary: [{ type: 'summary_text', text: summary }], encrypted_content: encrypted };
  push({ type: 'response.output_item.done', output_index: index, item });
  return item;
}

/** added → content_part.added → output_text.delta… → output_text.done → content_part.done → done. */
export function messageItemEvents(push: PushEvent, itemId: string, index: number, text: string, deltas: string[]): Record<string, unknown> {
  push({ type: 'response.output_item.added', output_index: index, item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
  push({ type: 'response.content_part.added', item_id: itemId, output_index: index, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
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
  push({ type: 'response.function_call_arguments.done', item_id: itemId, output_index: index, name, arguments: args });
  const item = { id: itemId, type: 'function_call', status: 'completed', arguments: args, call_id: callId, name };
  push({ type: 'response.output_item.done', output_index: index, item });
  return item;
}

/** Token counts a turn reports, written in each API's usage shape (input includes the cached parts). */
export interface FakeUsage {
  input: number;
  cached?: number;
  cacheWrite?: number;
  /** Output, reasoning included. */
  output: number;
  reasoning?: number;
}

/** Responses `usage`. */
export function responsesUsage(u: FakeUsage): Record<string, unknown> {
  return {
    input_tokens: u.input, input_tokens_details: { cached_tokens: u.cached ?? 0, cache_write_tokens: u.cacheWrite ?? 0 },
    output_tokens: u.output, output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 }, total_tokens: u.input + u.output,
  };
}
