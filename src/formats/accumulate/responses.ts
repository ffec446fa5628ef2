/**
 * Responses stream events → the complete Response. The terminal event's `response`
 * (`response.completed` / `response.incomplete`) is preferred; the snapshot built from the item
 * and delta events fills in when a terminal event is missing or carries an empty `output` (some
 * upstreams send it that way with `store: false`). `error` and `response.failed` throw an
 * UpstreamError.
 */
import type { JsonObject, StreamEvent } from '../types.js';
import { cloneJson, streamErrorFrom, truncatedStream, unexpectedEvent } from './stream-error.js';

interface Item extends JsonObject {
  type?: string;
  content?: Part[];
  summary?: Part[];
  arguments?: string;
  input?: string;
}

interface Part extends JsonObject {
  type?: string;
  text?: string;
  refusal?: string;
}

interface Response extends JsonObject {
  output: Item[];
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.cancelled']);

export class ResponsesAccumulator {
  private snapshot?: Response;
  private final?: Response;

  add(event: StreamEvent): void {
    const type = event.type as string;
    if (type === 'error' || type === 'response.failed') {
      throw streamErrorFrom('responses', event) ?? truncatedStream('responses', 'with an error');
    }
    if (type === 'response.created' || type === 'response.in_progress' || type === 'response.queued') {
      const response = cloneJson(event.response as Response);
      this.snapshot = { ...response, output: this.snapshot?.output ?? response.output ?? [] };
      return;
    }
    if (TERMINAL.has(type)) {
      this.final = cloneJson(event.response as Response);
      return;
    }
    const snapshot = this.started();
    const item = typeof event.output_index === 'number' ? snapshot.output[event.output_index] : undefined;
    switch (type) {
      case 'response.output_item.added':
      case 'response.output_item.done':
        snapshot.output[event.output_index as number] = cloneJson(event.item as Item);
        return;
      case 'response.content_part.added':
      case 'response.content_part.done':
        if (item) (item.content ??= [])[event.content_index as number] = cloneJson(event.part as Part);
        return;
      case 'response.output_text.delta':
      case 'response.reasoning_text.delta':
        appendText(part(item?.content, event.content_index), 'text', event.delta);
        return;
      case 'response.output_text.done':
      case 'response.reasoning_text.done':
        setText(part(item?.content, event.content_index), 'text', event.text);
        return;
      case 'response.refusal.delta':
        appendText(part(item?.content, event.content_index), 'refusal', event.delta);
        return;
      case 'response.refusal.done':
        setText(part(item?.content, event.content_index), 'refusal', event.refusal);
        return;
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_part.done':
        if (item) (item.summary ??= [])[event.summary_index as number] = cloneJson(event.part as Part);
        return;
      case 'response.reasoning_summary_text.delta':
        appendText(part(item?.summary, event.summary_index), 'text', event.delta);
        return;
      case 'response.reasoning_summary_text.done':
        setText(part(item?.summary, event.summary_index), 'text', event.text);
        return;
      case 'response.function_call_arguments.delta':
        if (item) item.arguments = (item.arguments ?? '') + String(event.delta ?? '');
        return;
      case 'response.function_call_arguments.done':
        if (item) item.arguments = String(event.arguments ?? '');
        return;
      case 'response.custom_tool_call_input.delta':
        if (item) item.input = (item.input ?? '') + String(event.delta ?? '');
        return;
      case 'response.custom_tool_call_input.done':
        if (item) item.input = String(event.input ?? '');
        return;
      default:
        return; // hosted-tool progress events, annotations: nothing the final response needs
    }
  }

  private started(): Response {
    if (!this.snapshot) throw unexpectedEvent('responses', 'an event before response.created');
    return this.snapshot;
  }

  /** The complete Response; throws if the stream ended without a terminal event. */
  result(): JsonObject {
    if (this.final && !this.snapshot) return this.final;
    const snapshot = this.started();
    if (!this.final) throw truncatedStream('responses', 'before response.completed');
    const output = this.final.output?.length ? this.final.output : snapshot.output.filter(Boolean);
    return { ...this.final, output };
  }
}

function part(list: Part[] | undefined, index: unknown): Part | undefined {
  return list && typeof index === 'number' ? list[index] : undefined;
}

function appendText(target: Part | undefined, key: 'text' | 'refusal', delta: unknown): void {
  if (target) target[key] = (target[key] ?? '') + String(delta ?? '');
}

function setText(target: Part | undefined, key: 'text' | 'refusal', value: unknown): void {
  if (target && typeof value === 'string') target[key] = value;
}

export async function accumulateResponses(events: AsyncIterable<StreamEvent>): Promise<JsonObject> {
  const acc = new ResponsesAccumulator();
  for await (const event of events) acc.add(event);
  return acc.result();
}
