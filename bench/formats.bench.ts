/**
 * Converter throughput: for each direction, SSE bytes of the source format → parseSseStream →
 * convertStream → serializeSseStream, on one long stream (5,000 text deltas, then a tool call
 * with 1,000 argument deltas). Also the SSE parser/writer alone and the accumulators.
 * Prints events/s (source events) and MB/s (source SSE bytes), best of RUNS after a warm-up.
 * Not part of `npm test`.
 *
 *   npx tsx bench/formats.bench.ts            # default sizes
 *   TEXT_DELTAS=20000 npx tsx bench/formats.bench.ts
 */
import type { ApiFormat } from '../src/core/adapter.js';
import { accumulateStream, convertStream } from '../src/formats/convert.js';
import type { StreamEvent } from '../src/formats/convert.js';
import { parseSseStream, serializeSseEvent, serializeSseStream } from '../src/formats/sse.js';

const TEXT = Number(process.env.TEXT_DELTAS ?? 5000);
const ARGS = Number(process.env.ARG_DELTAS ?? 1000);
const RUNS = Number(process.env.RUNS ?? 7);
const WORD = 'token ';
const ARG = '"k":"v",';

function anthropicStream(): StreamEvent[] {
  const ev: StreamEvent[] = [
    { type: 'message_start', message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-bench', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  ];
  for (let i = 0; i < TEXT; i++) ev.push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: WORD } });
  ev.push({ type: 'content_block_stop', index: 0 });
  ev.push({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_bench', name: 'tool', input: {} } });
  ev.push({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":{' } });
  for (let i = 0; i < ARGS; i++) ev.push({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ARG } });
  ev.push({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"z":1}}' } });
  ev.push({ type: 'content_block_stop', index: 1 });
  ev.push({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: TEXT + ARGS } });
  ev.push({ type: 'message_stop' });
  return ev;
}

function chatStream(): StreamEvent[] {
  const chunk = (delta: StreamEvent, finish: string | null = null): StreamEvent => ({
    id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const ev: StreamEvent[] = [chunk({ role: 'assistant', content: '' })];
  for (let i = 0; i < TEXT; i++) ev.push(chunk({ content: WORD }));
  ev.push(chunk({ tool_calls: [{ index: 0, id: 'call_bench', type: 'function', function: { name: 'tool', arguments: '{"a":{' } }] }));
  for (let i = 0; i < ARGS; i++) ev.push(chunk({ tool_calls: [{ index: 0, function: { arguments: ARG } }] }));
  ev.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '"z":1}}' } }] }));
  ev.push(chunk({}, 'tool_calls'));
  ev.push({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'gpt-bench', choices: [], usage: { prompt_tokens: 10, completion_tokens: TEXT + ARGS, total_tokens: TEXT + ARGS + 10 } });
  return ev;
}

function responsesStream(): StreamEvent[] {
  let seq = 0;
  const e = (x: StreamEvent): StreamEvent => ({ ...x, sequence_number: seq++ });
  const base = { id: 'resp_bench', object: 'response', created_at: 1, status: 'in_progress', model: 'gpt-bench', output: [], usage: null, error: null, incomplete_details: null };
  const text = WORD.repeat(TEXT);
  const args = `{"a":{${ARG.repeat(ARGS)}"z":1}}`;
  const msg = { id: 'msg_bench', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
  const fc = { id: 'fc_bench', type: 'function_call', status: 'completed', call_id: 'call_bench', name: 'tool', arguments: args };
  const at = { item_id: 'msg_bench', output_index: 0, content_index: 0 };
  const ev: StreamEvent[] = [e({ type: 'response.created', response: base }), e({ type: 'response.in_progress', response: base })];
  ev.push(e({ type: 'response.output_item.added', output_index: 0, item: { ...msg, status: 'in_progress', content: [] } }));
  ev.push(e({ type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [] } }));
  for (let i = 0; i < TEXT; i++) ev.push(e({ type: 'response.output_text.delta', ...at, delta: WORD }));
  ev.push(e({ type: 'response.output_text.done', ...at, text }));
  ev.push(e({ type: 'response.content_part.done', ...at, part: msg.content[0] }));
  ev.push(e({ type: 'response.output_item.done', output_index: 0, item: msg }));
  ev.push(e({ type: 'response.output_item.added', output_index: 1, item: { ...fc, status: 'in_progress', arguments: '' } }));
  ev.push(e({ type: 'response.function_call_arguments.delta', item_id: 'fc_bench', output_index: 1, delta: '{"a":{' }));
  for (let i = 0; i < ARGS; i++) ev.push(e({ type: 'response.function_call_arguments.delta', item_id: 'fc_bench', output_index: 1, delta: ARG }));
  ev.push(e({ type: 'response.function_call_arguments.delta', item_id: 'fc_bench', output_index: 1, delta: '"z":1}}' }));
  ev.push(e({ type: 'response.function_call_arguments.done', item_id: 'fc_bench', output_index: 1, arguments: args }));
  ev.push(e({ type: 'response.output_item.done', output_index: 1, item: fc }));
  ev.push(e({ type: 'response.completed', response: { ...base, status: 'completed', output: [msg, fc], usage: { input_tokens: 10, output_tokens: TEXT + ARGS, total_tokens: TEXT + ARGS + 10 } } }));
  return ev;
}

const SOURCES: Record<ApiFormat, StreamEvent[]> = { anthropic: anthropicStream(), chat: chatStream(), responses: responsesStream() };

/** Source SSE as ~16 KiB byte chunks, like a socket delivers them. */
function sseChunks(format: ApiFormat): Uint8Array[] {
  const text = SOURCES[format].map((ev) => serializeSseEvent(format, ev)).join('') + (format === 'chat' ? 'data: [DONE]\n\n' : '');
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16384) out.push(bytes.subarray(i, i + 16384));
  return out;
}

async function* iter<T>(items: readonly T[]): AsyncIterable<T> {
  for (const x of items) yield x;
}

async function drain(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

interface Row {
  name: string;
  events: number;
  bytes: number;
  ms: number;
}

async function measure(name: string, format: ApiFormat, run: (chunks: Uint8Array[]) => Promise<unknown>): Promise<Row> {
  const chunks = sseChunks(format);
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  await run(chunks); // warm-up: JIT and lazy module state
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run(chunks);
    times.push(performance.now() - t0);
  }
  // Best of N: the minimum is the least disturbed by other processes on a shared machine.
  return { name, events: SOURCES[format].length, bytes, ms: Math.min(...times) };
}

const FORMATS: ApiFormat[] = ['anthropic', 'chat', 'responses'];
const rows: Row[] = [];
for (const f of FORMATS) rows.push(await measure(`parse ${f}`, f, (c) => drain(parseSseStream(f, iter(c)))));
for (const f of FORMATS) rows.push(await measure(`serialize ${f}`, f, () => drain(serializeSseStream(f, iter(SOURCES[f])))));
for (const f of FORMATS) rows.push(await measure(`accumulate ${f}`, f, (c) => accumulateStream(f, parseSseStream(f, iter(c)))));
for (const from of FORMATS) {
  for (const to of FORMATS) {
    if (from === to) continue;
    rows.push(await measure(`${from} → ${to}`, from, (c) => drain(serializeSseStream(to, convertStream(from, to, parseSseStream(from, iter(c)))))));
  }
}

const pad = (s: string, n: number) => s.padEnd(n);
console.log(`Node ${process.version}, ${TEXT} text deltas + ${ARGS} argument deltas per stream, best of ${RUNS} runs`);
console.log(`| ${pad('stage', 26)} | events | KiB | ms | events/s | MB/s |`);
console.log(`|${'-'.repeat(28)}|-------:|----:|---:|---------:|-----:|`);
for (const r of rows) {
  const eps = Math.round((r.events / r.ms) * 1000);
  const mbs = (r.bytes / 1e6 / (r.ms / 1000)).toFixed(1);
  console.log(`| ${pad(r.name, 26)} | ${r.events} | ${Math.round(r.bytes / 1024)} | ${r.ms.toFixed(1)} | ${eps.toLocaleString('en-US')} | ${mbs} |`);
}
