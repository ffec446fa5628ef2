/**
 * Event-grammar checks for converted streams, per target format. They validate every event
 * against the zod model and assert the ordering rules the APIs document.
 */
import { expect } from 'vitest';
import type { StreamEvent } from '../../../src/formats/convert.js';
import { AnthropicStreamEventSchema } from '../../../src/formats/models/anthropic.js';
import { ChatStreamEventSchema } from '../../../src/formats/models/chat.js';
import { ResponsesStreamEventSchema } from '../../../src/formats/models/responses.js';

/**
 * Responses: created → in_progress first; sequence_number 0,1,2…; output_index assigned in order
 * (with `sequentialItems`, one item open at a time: a converter whose source streams blocks one
 * by one must not interleave them); deltas only for open items; exactly one terminal
 * event (completed/incomplete/failed, or an `error` event for a stream that broke) and nothing
 * after it.
 */
export function expectResponsesGrammar(events: StreamEvent[], opts: { sequentialItems?: boolean } = {}): void {
  for (const ev of events) expect(ResponsesStreamEventSchema.safeParse(ev).error).toBeUndefined();
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  expect(events[0]?.type).toBe('response.created');
  expect(events[1]?.type).toBe('response.in_progress');
  const open = new Set<number>();
  let added = 0;
  const terminal = ['response.completed', 'response.incomplete', 'response.failed', 'error'];
  events.forEach((ev, i) => {
    const type = String(ev.type);
    if (terminal.includes(type)) {
      expect(i, 'terminal event is last').toBe(events.length - 1);
      if (type !== 'response.failed' && type !== 'error') expect(open.size, 'items left open at the end').toBe(0);
      return;
    }
    if (type === 'response.output_item.added') {
      if (opts.sequentialItems) expect(open.size, 'an item is added only after the previous one is done').toBe(0);
      expect(ev.output_index).toBe(added++);
      open.add(ev.output_index as number);
    } else if (type === 'response.output_item.done') {
      expect(open.delete(ev.output_index as number), `done for an item not open: ${String(ev.output_index)}`).toBe(true);
    } else if (typeof ev.output_index === 'number') {
      expect(open.has(ev.output_index), `${type} for an item not open`).toBe(true);
    }
  });
  expect(terminal).toContain(events.at(-1)?.type);
}

/**
 * Chat: every chunk has the same id/created/model; the first carries role=assistant; a tool call
 * index appears first with id + type + function.name, later deltas carry no id; a finish_reason
 * chunk comes once; the usage chunk (if any) is last with empty choices; an error object, if any,
 * is last.
 */
export function expectChatGrammar(events: StreamEvent[], opts: { usage?: boolean } = {}): void {
  for (const ev of events) expect(ChatStreamEventSchema.safeParse(ev).error).toBeUndefined();
  const chunks = events.filter((e) => e.error === undefined);
  const errorAt = events.findIndex((e) => e.error !== undefined);
  if (errorAt !== -1) expect(errorAt, 'error object is last').toBe(events.length - 1);
  const first = chunks[0] as { id: string; created: number; model: string; choices: { delta: { role?: string } }[] } | undefined;
  expect(first?.choices[0]?.delta.role).toBe('assistant');
  for (const c of chunks) expect([c.id, c.created, c.model]).toEqual([first?.id, first?.created, first?.model]);
  const seen = new Set<number>();
  let finishes = 0;
  chunks.forEach((c, i) => {
    const choices = c.choices as { delta: { tool_calls?: { index: number; id?: string; type?: string; function?: { name?: string } }[] }; finish_reason: string | null }[];
    if (choices.length === 0) {
      expect(opts.usage, 'usage chunk only when asked').toBe(true);
      expect(i, 'usage chunk is last').toBe(chunks.length - 1);
      expect(c.usage).toBeTruthy();
      return;
    }
    for (const tc of choices[0]?.delta.tool_calls ?? []) {
      if (!seen.has(tc.index)) {
        expect(tc.index, 'tool call indexes are dense').toBe(seen.size);
        expect(tc.id && tc.type === 'function' && tc.function?.name, 'first delta of a tool call has id, type and name').toBeTruthy();
        seen.add(tc.index);
      } else expect(tc.id, 'id only on the first delta').toBeUndefined();
    }
    if (choices[0]?.finish_reason) finishes++;
  });
  if (errorAt === -1) expect(finishes).toBe(1);
  if (opts.usage && errorAt === -1) expect((chunks.at(-1)?.choices as unknown[]).length).toBe(0);
}

/**
 * Anthropic: message_start first, content blocks (and `ping`s anywhere after it)
 * opened and closed in order with dense indexes and never nested, message_delta right before
 * message_stop, nothing after message_stop or error; every event valid against the model.
 */
export function expectAnthropicGrammar(events: StreamEvent[]): void {
  for (const ev of events) expect(AnthropicStreamEventSchema.safeParse(ev).success, JSON.stringify(ev)).toBe(true);
  expect(events[0]?.type).toBe('message_start');
  let open: number | null = null;
  let next = 0;
  let ended = false;
  events.forEach((ev, i) => {
    expect(ended, `event after end: ${String(ev.type)}`).toBe(false);
    switch (ev.type) {
      case 'message_start':
        expect(i).toBe(0);
        break;
      case 'content_block_start':
        expect(open).toBeNull();
        expect(ev.index).toBe(next);
        open = next++;
        break;
      case 'content_block_delta':
        expect(ev.index).toBe(open);
        break;
      case 'content_block_stop':
        expect(ev.index).toBe(open);
        open = null;
        break;
      case 'message_delta':
        expect(open).toBeNull();
        expect(events[i + 1]?.type).toBe('message_stop');
        break;
      case 'message_stop':
      case 'error':
        ended = true;
        break;
      case 'ping':
        // Keep-alive the real API sends between any two events after message_start.
        expect(i).toBeGreaterThan(0);
        break;
      default:
        throw new Error(`unexpected Anthropic event ${String(ev.type)}`);
    }
  });
  expect(ended).toBe(true);
}
