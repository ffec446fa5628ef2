/**
 * The request lifecycle event bus (see events.ts). Synchronous, allocation-free when nobody
 * listens; a throwing listener is logged and never breaks the request that emitted the event.
 */
import type { Logger } from 'pino';
import type { EventBus, RequestEventListener, RequestEventName, RequestEvents } from './events.js';

type AnyListener = (event: never) => void;

export class RequestEventBus implements EventBus {
  private readonly listeners = new Map<RequestEventName, AnyListener[]>();

  constructor(private readonly logger?: Logger) {}

  on<E extends RequestEventName>(event: E, listener: RequestEventListener<E>): () => void {
    // Copy-on-write so emit can iterate without guarding against mutation.
    const next = [...(this.listeners.get(event) ?? []), listener as AnyListener];
    this.listeners.set(event, next);
    return () => {
      const list = (this.listeners.get(event) ?? []).filter((l) => l !== listener);
      if (list.length) this.listeners.set(event, list);
      else this.listeners.delete(event);
    };
  }

  emit<E extends RequestEventName>(event: E, payload: RequestEvents[E]): void {
    const list = this.listeners.get(event);
    if (!list) return;
    for (const l of list) {
      try {
        (l as RequestEventListener<E>)(payload);
      } catch (err) {
        this.logger?.warn({ err, event }, 'event listener threw');
      }
    }
  }

  has(event: RequestEventName): boolean {
    return this.listeners.has(event);
  }
}
