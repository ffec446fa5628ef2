/**
 * Client sessions: a client-chosen id (path segment or `x-session-id`) mapped to the Claude Code
 * session it continues (`resume`). Each request still runs its own CLI process; the session keeps
 * the CLI's session id between requests and a lock so two requests on one session never interleave.
 *
 * The pool is bounded (`max_sessions`): a new session evicts the least recently used idle one, and
 * when every session is busy the request is refused (429) instead of growing without limit.
 */
import { ProxyError } from '../../plugin.js';
import { SessionRules } from './permissions/rules.js';
import { Semaphore } from './semaphore.js';

export interface ClientSession {
  readonly id: string;
  /** The CLI's session id, known after the first request finished its init. */
  cliSessionId?: string;
  lastUsed: number;
  requests: number;
  readonly lock: Semaphore;
  /** The person's "always for this session" answers to tool calls. */
  readonly rules: SessionRules;
}

export interface SessionLease {
  session: ClientSession;
  release(): void;
}

export interface SessionStats {
  sessions: number;
  busy: number;
  waiting: number;
  max: number;
}

const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isValidSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

export class SessionPool {
  private readonly sessions = new Map<string, ClientSession>();
  private closed = false;

  constructor(
    private readonly maxSessions: number,
    private readonly idleTtlMs: number,
    private readonly plugin: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Waits for the session's lock (FIFO); creates the session when new. */
  async acquire(id: string, signal?: AbortSignal): Promise<SessionLease> {
    if (this.closed) throw new ProxyError('overloaded', 'Claude SDK sessions are shutting down', { plugin: this.plugin, status: 503 });
    let session = this.sessions.get(id);
    if (!session) {
      this.makeRoom();
      session = { id, lastUsed: this.now(), requests: 0, lock: new Semaphore(1), rules: new SessionRules() };
      this.sessions.set(id, session);
    }
    const s = session;
    const unlock = await s.lock.acquire(signal);
    s.lastUsed = this.now();
    s.requests++;
    return {
      session: s,
      release: () => {
        s.lastUsed = this.now();
        unlock();
      },
    };
  }

  get(id: string): ClientSession | undefined {
    return this.sessions.get(id);
  }

  /** Drops sessions idle longer than the TTL; returns how many. */
  sweep(): number {
    const cutoff = this.now() - this.idleTtlMs;
    let dropped = 0;
    for (const [id, s] of this.sessions) {
      if (isIdle(s) && s.lastUsed <= cutoff) {
        this.sessions.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  stats(): SessionStats {
    let busy = 0;
    let waiting = 0;
    for (const s of this.sessions.values()) {
      busy += s.lock.active;
      waiting += s.lock.waiting;
    }
    return { sessions: this.sessions.size, busy, waiting, max: this.maxSessions };
  }

  /** Shutdown: refuse new work, fail waiters, forget every session. */
  close(): void {
    this.closed = true;
    for (const s of this.sessions.values()) s.lock.rejectAll(new ProxyError('overloaded', 'Claude SDK plugin shutting down', { plugin: this.plugin, status: 503 }));
    this.sessions.clear();
  }

  private makeRoom(): void {
    if (this.sessions.size < this.maxSessions) return;
    let victim: ClientSession | undefined;
    for (const s of this.sessions.values()) {
      if (isIdle(s) && (!victim || s.lastUsed < victim.lastUsed)) victim = s;
    }
    if (!victim) {
      throw new ProxyError('rate_limit', `All ${this.maxSessions} Claude SDK sessions are busy; retry later or raise max_sessions`, {
        plugin: this.plugin,
        code: 'CCPROXY_ERR_SESSIONS_FULL',
        retryAfter: 1,
      });
    }
    this.sessions.delete(victim.id);
  }
}

function isIdle(s: ClientSession): boolean {
  return s.lock.active === 0 && s.lock.waiting === 0;
}
