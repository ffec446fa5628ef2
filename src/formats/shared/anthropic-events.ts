/**
 * Reading an Anthropic event stream for an OpenAI client (anthropic-to-chat, anthropic-to-responses).
 *
 * Both directions route the same events the same way and keep the same message-level state (stop
 * reason from `message_delta`, usage merged from `message_start` and `message_delta`); only what
 * they emit differs. A subclass implements the hooks; {@link readAnthropicStream} drives it and
 * stops at the first terminal event, or reports a stream that ended before `message_stop`.
 */
import type { StreamEvent } from '../types.js';
import { errorEvent } from '../errors.js';
import { unreadableAnswer } from '../unreadable.js';
import { mergeUsage } from './usage.js';
import type { AnthropicBlock, AnthropicResponse, AnthropicStreamEvent, AnthropicUsage } from './wire.js';
import { view } from './wire.js';

export type AnthropicDelta = NonNullable<AnthropicStreamEvent['delta']>;
export type AnthropicError = AnthropicStreamEvent['error'];

export abstract class AnthropicEventReader {
  /** Set once a terminal event (message_stop, error) was handled: nothing may follow. */
  finished = false;
  protected stopReason: string | null = null;
  protected usage: AnthropicUsage = {};

  *next(ev: AnthropicStreamEvent): Generator<StreamEvent> {
    switch (ev.type) {
      case 'message_start':
        this.usage = mergeUsage(this.usage, ev.message?.usage);
        yield* this.messageStart(ev.message);
        return;
      case 'content_block_start':
        yield* this.blockStart(ev.index ?? 0, ev.content_block);
        return;
      case 'content_block_delta':
        yield* this.blockDelta(ev.index ?? 0, ev.delta ?? {});
        return;
      case 'content_block_stop':
        yield* this.blockStop(ev.index ?? 0);
        return;
      case 'message_delta':
        if (ev.delta?.stop_reason) this.stopReason = ev.delta.stop_reason;
        this.usage = mergeUsage(this.usage, ev.usage);
        return;
      case 'message_stop':
        this.finished = true;
        yield* this.messageStop();
        return;
      case 'error':
        this.finished = true;
        yield* this.error(ev.error);
        return;
      default:
        return; // ping and future events carry nothing to convert
    }
  }

  protected abstract messageStart(message: AnthropicResponse | undefined): Generator<StreamEvent>;
  /** `block` is undefined when the upstream sent a content_block_start without one. */
  protected abstract blockStart(index: number, block: AnthropicBlock | undefined): Generator<StreamEvent>;
  protected abstract blockDelta(index: number, delta: AnthropicDelta): Generator<StreamEvent>;
  protected abstract blockStop(index: number): Generator<StreamEvent>;
  protected abstract messageStop(): Generator<StreamEvent>;
  protected abstract error(error: AnthropicError): Generator<StreamEvent>;
  /** The upstream stream ended without a terminal event. */
  abstract endedEarly(): Generator<StreamEvent>;
}

/** Feeds parsed Anthropic events to `reader`, incrementally, until a terminal event or the end. */
export async function* readAnthropicStream(events: AsyncIterable<StreamEvent>, reader: AnthropicEventReader): AsyncIterable<StreamEvent> {
  try {
    for await (const raw of events) {
      yield* reader.next(view<AnthropicStreamEvent>(raw));
      if (reader.finished) return;
    }
  } catch (err) {
    // A source that fails mid-stream (a CLI run that timed out) ends the way an upstream `error`
    // event does: the target API's own failure, with the stream's ids and numbering.
    const e = unreadableAnswer('anthropic', err);
    yield* reader.next(view<AnthropicStreamEvent>(errorEvent('anthropic', { kind: e.kind, message: e.message })));
    return;
  }
  yield* reader.endedEarly();
}
