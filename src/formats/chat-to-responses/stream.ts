/**
 * OpenAI Chat chunks → OpenAI Responses stream events, incrementally.
 *
 * Grammar emitted (sequence_number strictly increasing from 0): `response.created`,
 * `response.in_progress`; per output item `response.output_item.added` … `response.output_item.done`
 * with `output_index` in order of appearance: reasoning_content → a reasoning item
 * (`reasoning_summary_part.added`, `reasoning_summary_text.delta`…); content → a message item
 * (`content_part.added`, `output_text.delta`…`.done`, `content_part.done`; refusal the same with
 * `refusal.*`); each tool call index → a function_call item (`function_call_arguments.delta`…
 * `.done`). Tool calls may interleave, so they stay open together until text or the end closes them.
 * At the end: `response.completed` (or `response.incomplete` for length/content_filter) carrying the
 * full output and usage (the usage chunk follows the finish chunk, so the terminal event waits for
 * the end of the stream). An error object or a broken upstream → `response.failed`.
 */
import type { ConvertOptions, JsonObject, StreamEvent } from '../types.js';
import { readErrorEvent } from '../errors.js';
import { unreadableAnswer } from '../unreadable.js';
import type { ChatChunk, ChatToolCallDelta, ChatUsage } from '../models/chat.js';
import { JsonStringFieldStream } from '../shared/custom-tool.js';
import { customToolNames, responseIdFromChat, responsesOutcome, responsesUsage } from './mapping.js';
import { responseShell } from '../shared/responses-shell.js';
import { itemIds } from './response.js';

interface OpenText {
  outputIndex: number;
  id: string;
  text: string;
  /** message items: the parts finished so far and the open part's kind/index */
  parts: JsonObject[];
  part?: 'output_text' | 'refusal';
}

interface OpenCall {
  outputIndex: number;
  item: JsonObject & { arguments?: string; input?: string };
  custom: boolean;
  /** For a client custom tool answered as a wrapped function call: decodes `{"input": …}` as it streams. */
  wrapped?: JsonStringFieldStream;
}

class Converter {
  private seq = 0;
  private shell?: JsonObject;
  private ids = itemIds('resp_');
  private readonly output: JsonObject[] = [];
  private reasoning?: OpenText;
  private message?: OpenText;
  private readonly calls = new Map<number, OpenCall>();
  private counts = { message: 0, reasoning: 0 };
  private finish: string | null = null;
  private usage: ChatUsage | null = null;
  private readonly customNames: Set<string>;
  /** Events produced by the last call; the async generator below drains it (no nested generators per event). */
  readonly out: StreamEvent[] = [];

  constructor(private readonly opts: ConvertOptions) {
    this.customNames = customToolNames(opts);
  }

  private ev(type: string, fields: JsonObject): StreamEvent {
    return { type, sequence_number: this.seq++, ...fields };
  }

  chunk(chunk: ChatChunk): void {
    if (!this.shell) this.start(chunk);
    if (chunk.usage) this.usage = chunk.usage;
    const choice = (chunk.choices ?? []).find((c) => c.index === 0);
    if (!choice) return;
    const delta = choice.delta;
    // `reasoning_content` (DeepSeek, vLLM) or `reasoning` (Ollama, OpenRouter): same meaning.
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning) this.reasoningDelta(reasoning);
    if (typeof delta.content === 'string' && delta.content) this.textDelta('output_text', delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal) this.textDelta('refusal', delta.refusal);
    for (const tc of delta.tool_calls ?? []) this.toolDelta(tc);
    if (choice.finish_reason) this.finish = choice.finish_reason;
  }

  private start(chunk: ChatChunk): void {
    const id = responseIdFromChat(chunk.id);
    this.ids = itemIds(id);
    this.shell = responseShell(id, chunk.created, this.opts.model ?? chunk.model, this.opts);
    this.out.push(this.ev('response.created', { response: this.shell }));
    this.out.push(this.ev('response.in_progress', { response: this.shell }));
  }

  private openItem(item: JsonObject): number {
    const outputIndex = this.output.length;
    this.output.push(item);
    this.out.push(this.ev('response.output_item.added', { output_index: outputIndex, item }));
    return outputIndex;
  }

  private closeItem(outputIndex: number, item: JsonObject): void {
    this.output[outputIndex] = item;
    this.out.push(this.ev('response.output_item.done', { output_index: outputIndex, item }));
  }

  private nextId(kind: 'message' | 'reasoning'): string {
    const n = ++this.counts[kind];
    const base = kind === 'message' ? this.ids.message : this.ids.reasoning;
    return n === 1 ? base : `${base}_${n}`;
  }

  private reasoningDelta(delta: string): void {
    if (!this.reasoning) {
      this.closeMessage();
      this.closeCalls();
      const id = this.nextId('reasoning');
      const outputIndex = this.openItem({ id, type: 'reasoning', summary: [] });
      this.reasoning = { outputIndex, id, text: '', parts: [] };
      this.out.push(this.ev('response.reasoning_summary_part.added', { item_id: id, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } }));
    }
    const r = this.reasoning;
    r.text += delta;
    this.out.push(this.ev('response.reasoning_summary_text.delta', { item_id: r.id, output_index: r.outputIndex, summary_index: 0, delta }));
  }

  private closeReasoning(): void {
    const r = this.reasoning;
    if (!r) return;
    this.reasoning = undefined;
    const at = { item_id: r.id, output_index: r.outputIndex, summary_index: 0 };
    this.out.push(this.ev('response.reasoning_summary_text.done', { ...at, text: r.text }));
    this.out.push(this.ev('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: r.text } }));
    this.closeItem(r.outputIndex, { id: r.id, type: 'reasoning', summary: [{ type: 'summary_text', text: r.text }] });
  }

  private textDelta(kind: 'output_text' | 'refusal', delta: string): void {
    if (!this.message) {
      this.closeReasoning();
      this.closeCalls();
      const id = this.nextId('message');
      const outputIndex = this.openItem({ id, type: 'message', status: 'in_progress', role: 'assistant', content: [] });
      this.message = { outputIndex, id, text: '', parts: [] };
    }
    const m = this.message;
    if (m.part !== kind) {
      this.closePart();
      m.part = kind;
      m.text = '';
      const part = kind === 'output_text' ? { type: 'output_text', text: '', annotations: [], logprobs: [] } : { type: 'refusal', refusal: '' };
      this.out.push(this.ev('response.content_part.added', { item_id: m.id, output_index: m.outputIndex, content_index: m.parts.length, part }));
    }
    m.text += delta;
    const at = { item_id: m.id, output_index: m.outputIndex, content_index: m.parts.length };
    this.out.push(kind === 'output_text' ? this.ev('response.output_text.delta', { ...at, delta, logprobs: [] }) : this.ev('response.refusal.delta', { ...at, delta }));
  }

  private closePart(): void {
    const m = this.message;
    if (!m?.part) return;
    const at = { item_id: m.id, output_index: m.outputIndex, content_index: m.parts.length };
    let part: JsonObject;
    if (m.part === 'output_text') {
      part = { type: 'output_text', text: m.text, annotations: [], logprobs: [] };
      this.out.push(this.ev('response.output_text.done', { ...at, text: m.text, logprobs: [] }));
    } else {
      part = { type: 'refusal', refusal: m.text };
      this.out.push(this.ev('response.refusal.done', { ...at, refusal: m.text }));
    }
    this.out.push(this.ev('response.content_part.done', { ...at, part }));
    m.parts.push(part);
    m.part = undefined;
  }

  private closeMessage(status = 'completed'): void {
    const m = this.message;
    if (!m) return;
    this.closePart();
    this.message = undefined;
    this.closeItem(m.outputIndex, { id: m.id, type: 'message', status, role: 'assistant', content: m.parts });
  }

  private toolDelta(tc: ChatToolCallDelta): void {
    let call = this.calls.get(tc.index);
    if (!call) {
      this.closeReasoning();
      this.closeMessage();
      const callId = tc.id ?? `call_${String(this.shell?.id ?? '').replace(/^resp_/, '')}_${tc.index}`;
      const customDelta = (tc as { custom?: { name?: string } }).custom;
      const name = tc.function?.name ?? customDelta?.name ?? '';
      const wrapped = (tc as { type?: string }).type !== 'custom' && this.customNames.has(name);
      const custom = wrapped || (tc as { type?: string }).type === 'custom';
      const item: OpenCall['item'] = custom
        ? { id: this.ids.call(callId), type: 'custom_tool_call', status: 'in_progress', call_id: callId, name, input: '' }
        : { id: this.ids.call(callId), type: 'function_call', status: 'in_progress', call_id: callId, name, arguments: '' };
      const outputIndex = this.openItem({ ...item });
      call = { outputIndex, item, custom, ...(wrapped ? { wrapped: new JsonStringFieldStream() } : {}) };
      this.calls.set(tc.index, call);
    } else if (tc.function?.name && !call.item.name) {
      call.item.name = tc.function.name;
    }
    const at = { item_id: call.item.id, output_index: call.outputIndex };
    let piece = call.custom && !call.wrapped ? (tc as { custom?: { input?: string } }).custom?.input : tc.function?.arguments;
    if (piece && call.wrapped) piece = call.wrapped.push(piece);
    if (!piece) return;
    if (call.custom) {
      call.item.input += piece;
      this.out.push(this.ev('response.custom_tool_call_input.delta', { ...at, delta: piece }));
    } else {
      call.item.arguments += piece;
      this.out.push(this.ev('response.function_call_arguments.delta', { ...at, delta: piece }));
    }
  }

  private closeCalls(): void {
    const open = [...this.calls.values()].filter((c) => c.item.status === 'in_progress');
    for (const call of open) {
      const at = { item_id: call.item.id, output_index: call.outputIndex };
      call.item.status = 'completed';
      if (call.wrapped) call.item.input = call.wrapped.finish();
      if (call.custom) this.out.push(this.ev('response.custom_tool_call_input.done', { ...at, input: call.item.input }));
      else this.out.push(this.ev('response.function_call_arguments.done', { ...at, name: call.item.name, arguments: call.item.arguments }));
      this.closeItem(call.outputIndex, { ...call.item });
    }
  }

  /** Closes everything and emits the terminal event. */
  end(): void {
    if (!this.shell) this.start({ id: 'chatcmpl-empty', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: this.opts.model ?? 'unknown', choices: [] });
    const outcome = responsesOutcome(this.finish);
    this.closeReasoning();
    this.closeMessage(outcome.status === 'completed' ? 'completed' : 'incomplete');
    this.closeCalls();
    const response = { ...this.shell, ...outcome, output: this.output, usage: responsesUsage(this.usage) };
    this.out.push(this.ev(outcome.status === 'completed' ? 'response.completed' : 'response.incomplete', { response }));
  }

  fail(code: string, message: string): void {
    if (!this.shell) this.start({ id: 'chatcmpl-failed', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: this.opts.model ?? 'unknown', choices: [] });
    const response = { ...this.shell, status: 'failed', error: { code, message }, output: this.output, usage: responsesUsage(this.usage) };
    this.out.push(this.ev('response.failed', { response }));
  }
}

export async function* chatToResponsesStream(events: AsyncIterable<StreamEvent>, opts: ConvertOptions): AsyncIterable<StreamEvent> {
  const conv = new Converter(opts);
  try {
    for await (const event of events) {
      const error = event.choices === undefined ? readErrorEvent('chat', event) : undefined;
      if (error) {
        conv.fail(error.code ?? (error.kind === 'rate_limit' ? 'rate_limit_exceeded' : 'server_error'), error.message);
        yield* conv.out;
        return;
      }
      conv.chunk(event as ChatChunk);
      if (conv.out.length > 0) {
        for (const ev of conv.out) yield ev;
        conv.out.length = 0;
      }
    }
  } catch (err) {
    conv.fail('server_error', unreadableAnswer('chat', err).message);
    yield* conv.out;
    return;
  }
  conv.end();
  yield* conv.out;
}
