/**
 * INTERIM until src/formats exports accumulateStream: folds a Responses event stream into the
 * complete response (the backend only streams; non-stream clients get this). Deleted when the
 * formats version lands.
 */
import type { ApiFormat } from '../../core/adapter.js';
import type { JsonObject, StreamEvent } from '../../formats/index.js';

export async function accumulateStream(_format: ApiFormat, events: AsyncIterable<StreamEvent>): Promise<JsonObject> {
  let last: JsonObject = {};
  const output: JsonObject[] = [];
  for await (const e of events) {
    if (e.type === 'response.output_item.done') output[e.output_index as number] = e.item as JsonObject;
    if (e.type === 'response.completed' || e.type === 'response.failed' || e.type === 'response.incomplete') last = e.response as JsonObject;
    if (e.type === 'error') last = { status: 'failed', error: e };
  }
  const lastOutput = Array.isArray(last.output) ? last.output : [];
  return { ...last, output: lastOutput.length ? lastOutput : output.filter(Boolean) };
}
