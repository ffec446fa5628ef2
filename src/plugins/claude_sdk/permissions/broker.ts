/**
 * Pending approvals: tool calls the Claude Code CLI asked permission for, each waiting until a
 * person decides (`decide`), its time runs out (denied), the client that made the request goes
 * away (withdrawn: denied) or the proxy shuts down (denied). Every outcome, and every call a
 * remembered rule answered without asking, is logged (who, what, when: the summary, never file
 * contents) and emitted on the event bus; watchers (`/permissions/stream`) see `new`, `decided`
 * and `expired` as they happen. A request's tool input is held only while it is pending.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ApiFormat, EventBus, PermissionDecidedBy } from '../../../plugin.js';

export type Decision = 'allow' | 'deny';
export type Remember = 'session' | 'none';

/** What the CLI asked, for which request. */
export interface PermissionAsk {
  requestId: string;
  sessionId?: string;
  api: ApiFormat;
  userAgent?: string;
  tool: string;
  input: Record<string, unknown>;
  /** Content-free: see describe.ts. */
  summary: string;
  /** What "always for this session" remembers (rules.ts). */
  sessionRule: string;
  /** The CLI's own wording, when it gives one. */
  title?: string;
  description?: string;
  reason?: string;
}

export interface PendingPermission {
  readonly id: string;
  /** ms since epoch */
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly ask: PermissionAsk;
}

export interface PersonDecision {
  decision: Decision;
  /** Told to the model with a denial. */
  message?: string;
  remember: Remember;
  /** Who decided: the deciding client's user agent and address. */
  decider: string;
}

export type EndReason = 'timeout' | 'withdrawn' | 'shutdown';

export type Outcome = ({ by: 'person' } & PersonDecision) | { by: EndReason; decision: 'deny' };

export type BrokerEvent =
  | { type: 'new'; pending: PendingPermission }
  | { type: 'decided'; id: string; at: number; decision: PersonDecision }
  | { type: 'expired'; id: string; at: number; reason: EndReason };

export interface BrokerOptions {
  plugin: string;
  timeoutMs: number;
  logger: Logger;
  events: EventBus;
}

interface Entry extends PendingPermission {
  settle(outcome: Outcome): void;
}

export class PermissionBroker {
  private readonly pending = new Map<string, Entry>();
  private readonly watchers = new Set<(event: BrokerEvent) => void>();
  private closed = false;

  constructor(private readonly o: BrokerOptions) {}

  get timeoutMs(): number {
    return this.o.timeoutMs;
  }

  /** How many approvals are pending. */
  get size(): number {
    return this.pending.size;
  }

  /** Pending approvals, oldest first. */
  list(): PendingPermission[] {
    return [...this.pending.values()].map(view);
  }

  /** `fn` sees every event from now on; returns the unsubscribe. */
  watch(fn: (event: BrokerEvent) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  /** Waits for a decision on `ask`; `signal` withdraws it (the client went away). Never rejects. */
  ask(ask: PermissionAsk, signal: AbortSignal): Promise<Outcome> {
    if (this.closed) return Promise.resolve(this.endedWithoutAsking(ask, 'shutdown'));
    if (signal.aborted) return Promise.resolve(this.endedWithoutAsking(ask, 'withdrawn'));
    return new Promise((resolve) => {
      const createdAt = Date.now();
      const id = `perm_${randomUUID().replace(/-/g, '')}`;
      const onAbort = (): void => finish({ by: 'withdrawn', decision: 'deny' });
      const timer = setTimeout(() => finish({ by: 'timeout', decision: 'deny' }), this.o.timeoutMs);
      timer.unref();
      const finish = (outcome: Outcome): void => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.record(entry, outcome);
        resolve(outcome);
      };
      const entry: Entry = { id, createdAt, expiresAt: createdAt + this.o.timeoutMs, ask, settle: finish };
      this.pending.set(id, entry);
      signal.addEventListener('abort', onAbort, { once: true });
      this.o.logger.info({ permission: id, ...who(ask), expiresAt: new Date(entry.expiresAt).toISOString() }, 'permission requested');
      if (this.o.events.has('permission.requested')) {
        this.o.events.emit('permission.requested', { ...eventBase(this.o.plugin, ask, createdAt), permissionId: id, expiresAt: entry.expiresAt });
      }
      this.notify({ type: 'new', pending: view(entry) });
    });
  }

  /** A person's decision; undefined when `id` is not pending (decided, expired, unknown). */
  decide(id: string, decision: PersonDecision): PendingPermission | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    entry.settle({ by: 'person', ...decision });
    return view(entry);
  }

  /** A call a remembered "always for this session" answered without asking: logged and emitted like any decision. */
  recordRuleDecision(ask: PermissionAsk, decision: Decision): void {
    this.o.logger.info({ ...who(ask), decision, decidedBy: 'session_rule', rule: ask.sessionRule }, 'permission decided');
    this.emitDecided(ask, undefined, decision, 'session_rule', 0, {});
  }

  /** Shutdown: deny everything pending and every later ask; nobody is left to decide. */
  close(): void {
    this.closed = true;
    for (const entry of [...this.pending.values()]) entry.settle({ by: 'shutdown', decision: 'deny' });
  }

  private endedWithoutAsking(ask: PermissionAsk, by: EndReason): Outcome {
    this.o.logger.info({ ...who(ask), decision: 'deny', decidedBy: by }, 'permission decided');
    this.emitDecided(ask, undefined, 'deny', by, 0, {});
    return { by, decision: 'deny' };
  }

  private record(entry: Entry, outcome: Outcome): void {
    const at = Date.now();
    const person = outcome.by === 'person' ? { decider: outcome.decider, remember: outcome.remember } : {};
    this.o.logger.info(
      { permission: entry.id, ...who(entry.ask), decision: outcome.decision, decidedBy: outcome.by, ...person, waitedMs: at - entry.createdAt },
      'permission decided',
    );
    this.emitDecided(entry.ask, entry.id, outcome.decision, outcome.by, at - entry.createdAt, person);
    if (outcome.by === 'person') {
      const { by: _by, ...decision } = outcome;
      this.notify({ type: 'decided', id: entry.id, at, decision });
    } else this.notify({ type: 'expired', id: entry.id, at, reason: outcome.by });
  }

  private emitDecided(ask: PermissionAsk, id: string | undefined, decision: Decision, decidedBy: PermissionDecidedBy, waitedMs: number, person: { decider?: string; remember?: Remember }): void {
    if (!this.o.events.has('permission.decided')) return;
    this.o.events.emit('permission.decided', {
      ...eventBase(this.o.plugin, ask, Date.now()),
      ...(id ? { permissionId: id } : {}),
      decision, decidedBy, waitedMs, ...person,
    });
  }

  private notify(event: BrokerEvent): void {
    for (const fn of this.watchers) {
      try {
        fn(event);
      } catch (err) {
        this.o.logger.warn({ err }, 'permission watcher threw');
      }
    }
  }
}

function view(e: Entry): PendingPermission {
  return { id: e.id, createdAt: e.createdAt, expiresAt: e.expiresAt, ask: e.ask };
}

/** The log fields of an ask: who asked and what, without the input itself. */
function who(ask: PermissionAsk): Record<string, unknown> {
  return { requestId: ask.requestId, session: ask.sessionId, tool: ask.tool, summary: ask.summary };
}

function eventBase(plugin: string, ask: PermissionAsk, timestamp: number) {
  return { plugin, requestId: ask.requestId, ...(ask.sessionId ? { sessionId: ask.sessionId } : {}), tool: ask.tool, summary: ask.summary, timestamp };
}
