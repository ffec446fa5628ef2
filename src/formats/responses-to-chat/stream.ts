/**
 * OpenAI Responses stream events → OpenAI Chat chunks, incrementally.
 *
 * Chunk grammar emitted: every chunk has the same `id` (from the response id), `created` and
 * `model`; the first carries `delta.role = "assistant"`; text deltas → `delta.content`, refusal
 * deltas → `delta.refusal`, reasoning summary/text deltas → `delta.reasoning_content` (and, once
 * the reasoning item is done, one `delta.reasoning_details` with its id and encrypted_content); each
 * function_call item gets the next `tool_calls[index]`, whose first delta carries `id`, `type` and
 * `function.name` and later ones only `function.arguments` pieces. The terminal event becomes a
 * chunk with an empty delta and the finish_reason, then (when the client asked with
 * `stream_options.include_usage`) a usage chunk with empty `choices`. `error` / `response.failed`
 * → a Chat error object, after which the stream ends (serializeSseStream then omits `[DONE]`).
 * Upstreams that send only `.done` events (no deltas) still produce the text: the missing suffix
 * is emitted at `.done`.
 */
import type { ConvertOptions, JsonObject, StreamEvent } from '../types.js';
import { errorEvent, readErrorEvent } from '../errors.js';
import { unreadableAnswer } from '../unreadable.js';
import type { ResponsesResponse } from '../models/responses.js';
import { chatFinishReason, chatIdFromResponse, chatUsage } from '../chat-to-responses/mapping.js';
import { reasoningDetails } from '../chat-to-responses/reasoning.js';

interface Call {
  index: number;
  custom: boolean;
  sent: string;
}

class Converter {
  private id = 'chatcmpl-pending';
  private created = Math.floor(Date.now() / 1000);
  private model: string;
  private readonly includeUsage: boolean;
  private readonly sentText = new Map<string, string>();
  private readonly calls = new Map<number, Call>();
  private readonly reasoningSent = new Set<number>();
  private started = false;
  finished = false;
  /** Chunks produced by the last call; the async generator below drains it (no nested generators per event). */
  readonly out: StreamEvent[] = [];

  constructor(private readonly opts: ConvertOptions) {
    this.model = opts.model ?? 'unknown';
    const streamOptions = opts.clientRequest?.stream_options as { include_usage?: boolean } | undefined;
    this.includeUsage = streamOptions?.include_usage === true;
  }

  private chunk(delta: JsonObject, finish: string | null = null): StreamEvent {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
  }

  private start(response?: ResponsesResponse): void {
    if (this.started) return;
    this.started = true;
    if (response) {
      this.id = chatIdFromResponse(response.id);
      this.created = response.created_at ?? this.created;
      this.model = this.opts.model ?? response.model ?? this.model;
    }
    this.out.push(this.chunk({ role: 'assistant', content: '' }));
  }

  event(ev: StreamEvent): void {
    const type = ev.type as string;
    if (type === 'response.created') return this.start(ev.response as ResponsesResponse);
    this.start();
    switch (type) {
      case 'response.output_text.delta':
        return this.text('content', ev, String(ev.delta ?? ''), false);
      case 'response.output_text.done':
        return this.text('content', ev, String(ev.text ?? ''), true);
      case 'response.refusal.delta':
        return this.text('refusal', ev, String(ev.delta ?? ''), false);
      case 'response.refusal.done':
        return this.text('refusal', ev, String(ev.refusal ?? ''), true);
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (ev.delta) this.out.push(this.chunk({ reasoning_content: ev.delta }));
        return;
      case 'response.output_item.added':
        return this.item(ev.output_index as number, ev.item as JsonObject);
      case 'response.output_item.done':
        return this.item(ev.output_index as number, ev.item as JsonObject, true);
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
        return this.args(ev.output_index as number, String(ev.delta ?? ''), false);
      case 'response.function_call_arguments.done':
        return this.args(ev.output_index as number, String(ev.arguments ?? ''), true);
      case 'response.custom_tool_call_input.done':
        return this.args(ev.output_index as number, String(ev.input ?? ''), true);
      case 'response.completed':
      case 'response.incomplete':
        return this.finish(ev.response as ResponsesResponse);
      default:
        return;
    }
  }

  /** Emits a text delta, or at `.done` whatever part of the final text was not streamed yet. */
  private text(field: 'content' | 'refusal', ev: StreamEvent, value: string, done: boolean): void {
    const key = `${field}:${String(ev.output_index)}:${String(ev.content_index)}`;
    const sent = this.sentText.get(key) ?? '';
    const piece = done ? (value.startsWith(sent) ? value.slice(sent.length) : '') : value;
    if (!piece) return;
    this.sentText.set(key, sent + piece);
    this.out.push(this.chunk({ [field]: piece }));
  }

  private item(outputIndex: number, item: JsonObject, done = false): void {
    if (item.type === 'reasoning') {
      if (!done || this.reasoningSent.has(outputIndex)) return;
      this.reasoningSent.add(outputIndex);
      const details = reasoningDetails(item, outputIndex);
      if (details.length > 0) this.out.push(this.chunk({ reasoning_details: details }));
      return;
    }
    if (item.type !== 'function_call' && item.type !== 'custom_tool_call') return;
    const custom = item.type === 'custom_tool_call';
    if (!this.calls.has(outputIndex)) {
      const call: Call = { index: this.calls.size, custom, sent: '' };
      this.calls.set(outputIndex, call);
      const head = custom
        ? { index: call.index, id: item.call_id, type: 'custom', custom: { name: item.name, input: '' } }
        : { index: call.index, id: item.call_id, type: 'function', function: { name: item.name, arguments: '' } };
      this.out.push(this.chunk({ tool_calls: [head] }));
    }
    const full = custom ? item.input : item.arguments;
    if (typeof full === 'string' && full) this.args(outputIndex, full, true);
  }

  private args(outputIndex: number, value: string, done: boolean): void {
    const call = this.calls.get(outputIndex);
    if (!call) return;
    const piece = done ? (value.startsWith(call.sent) ? value.slice(call.sent.length) : '') : value;
    if (!piece) return;
    call.sent += piece;
    const body = call.custom ? { custom: { input: piece } } : { function: { arguments: piece } };
    this.out.push(this.chunk({ tool_calls: [{ index: call.index, ...body }] }));
  }

  private finish(response: ResponsesResponse): void {
    this.finished = true;
    // Items only present in the terminal response (no item events upstream) still reach the client.
    for (const [i, item] of (response.output ?? []).entries()) {
      this.item(i, item as JsonObject, true);
    }
    const finish = chatFinishReason(response.status, response.incomplete_details?.reason, this.calls.size > 0);
    this.out.push(this.chunk({}, finish));
    if (this.includeUsage) this.out.push({ ...this.chunk({}), choices: [], usage: chatUsage(response.usage) });
  }

  error(ev: StreamEvent | undefined, message?: string): StreamEvent {
    this.finished = true;
    const info = ev ? readErrorEvent('responses', ev) : undefined;
    return errorEvent('chat', { kind: info?.kind ?? 'api_error', message: info?.message ?? message ?? 'Upstream stream failed', code: info?.code ?? null });
  }
}

export async function* responsesToChatStream(events: AsyncIterable<StreamEvent>, opts: ConvertOptions): AsyncIterable<StreamEvent> {
  const conv = new Converter(opts);
  try {
    for await (const ev of events) {
      if (ev.type === 'error' || ev.type === 'response.failed') {
        yield conv.error(ev);
        return;
      }
      conv.event(ev);
      if (conv.out.length > 0) {
        for (const chunk of conv.out) yield chunk;
        conv.out.length = 0;
      }
      if (conv.finished) return;
    }
  } catch (err) {
    yield conv.error(undefined, unreadableAnswer('responses', err).message);
    return;
  }
  if (!conv.finished) yield conv.error(undefined, 'Upstream stream ended before the response completed');
}
